// Preloaded (`node --import`) into a process a benchmark runs as users would (no tsx, no
// benchmark code around it): at exit, writes the process's peak RSS and CPU time as JSON to
// the file `BENCH_EXIT_REPORT` names. Plain JavaScript, so it loads no TypeScript loader.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_EXIT_REPORT;
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const report = { peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
    writeFileSync(file, JSON.stringify(report));
  });
}
