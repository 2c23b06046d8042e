/** One line of a chart: a contender's values at each x (`null`: no value, e.g. it crashed). */
export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const W = 420;
const H = 300;
const PAD = { left: 56, right: 16, top: 36, bottom: 44 };

/** Two side-by-side line charts (log-scale x) as one SVG document. */
export function lineCharts(xs: number[], xLabel: string, panels: Panel[], failures: string): string {
  const width = W * panels.length;
  const body = panels.map((p, i) => panel(p, xs, xLabel, i * W)).join('\n');
  const legend = panels[0]!.series
    .map((s, i) => `<g transform="translate(${PAD.left + i * 190},${H + 10})"><rect width="12" height="12" fill="${s.color}"/><text x="18" y="11">${esc(s.name)}</text></g>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 50}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${body}
${legend}
<text x="${PAD.left}" y="${H + 42}" fill="#555">${esc(failures)}</text>
</svg>
`;
}

function panel(p: Panel, xs: number[], xLabel: string, offset: number): string {
  const all = p.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = niceMax(Math.max(...all, 1));
  const lx = (x: number) => Math.log10(x);
  const [x0, x1] = [lx(xs[0]!), lx(xs[xs.length - 1]!)];
  const px = (x: number) => offset + PAD.left + ((lx(x) - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const py = (y: number) => PAD.top + (1 - y / yMax) * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${offset + PAD.left}" x2="${offset + W - PAD.right}" y1="${py(f * yMax)}" y2="${py(f * yMax)}" stroke="#eee"/><text x="${offset + PAD.left - 6}" y="${py(f * yMax) + 4}" text-anchor="end">${fmt(f * yMax)}</text>`)
    .join('');
  const ticks = xs.map((x) => `<text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${x.toLocaleString('en')}</text>`).join('');
  const lines = p.series
    .map((s) => {
      const pts = xs.map((x, i) => [x, s.values[i]] as const).filter((pt): pt is readonly [number, number] => pt[1] !== null);
      const path = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      const dots = pts.map(([x, y]) => `<circle cx="${px(x)}" cy="${py(y)}" r="3" fill="${s.color}"/>`).join('');
      const crashes = xs
        .map((x, i) => (s.values[i] === null ? `<text x="${px(x)}" y="${PAD.top + 10}" fill="${s.color}" text-anchor="middle" font-weight="bold">✕</text>` : ''))
        .join('');
      return `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>${dots}${crashes}`;
    })
    .join('\n');
  return `<g><text x="${offset + PAD.left}" y="20" font-weight="bold">${esc(p.title)} (${esc(p.unit)})</text>${grid}${ticks}
<text x="${offset + (W + PAD.left) / 2}" y="${H - 8}" text-anchor="middle" fill="#555">${esc(xLabel)}</text>${lines}</g>`;
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((c) => c >= v)!;
}
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
