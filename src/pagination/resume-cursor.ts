/**
 * Resume cursors: the positions a listing hands out (`page.cursor`, `page.nextCursor`, an
 * error's `resumeCursor`) and takes back (`startCursor`).
 *
 * A server cursor only names the start of a page. When operators stop inside a page
 * (`take`) or hold records back (`batch`), the position of the first record not yet
 * delivered lies inside a page: it is then written `fs-resume:<skip>:<cursor>`, meaning
 * "request the page at `<cursor>` (empty: the first page) and drop its first `<skip>`
 * records". At a page boundary the resume cursor is the server's cursor itself, so a
 * listing without operators hands out exactly the cursors Files.com sends.
 *
 * A position inside a page assumes the page is requested again with the same parameters
 * (`per_page` above all), as a resumed listing does.
 */

/** A position in a listing: a page (by its server cursor) and the records of it to skip. */
export interface ListPosition {
  /** Server cursor of the page; `undefined` for the first page. */
  readonly cursor: string | undefined;
  /** Records at the start of that page that were already delivered. */
  readonly skip: number;
}

const PREFIX = 'fs-resume:';
const FORM = /^fs-resume:(0|[1-9][0-9]{0,15}):/;

/** The resume cursor of the very start of a listing, for a page that must say "not done, nothing consumed". */
export const START_CURSOR = `${PREFIX}0:`;

/** Writes a position as a resume cursor (the bare server cursor at a page boundary). */
export function encodeResumeCursor(position: ListPosition): string {
  const { cursor, skip } = position;
  if (skip === 0 && cursor !== undefined) return cursor;
  return `${PREFIX}${skip}:${cursor ?? ''}`;
}

/**
 * Reads a resume cursor (or a plain server cursor) back into a position.
 *
 * @throws RangeError for a value that starts like a resume cursor but is malformed.
 */
export function parseResumeCursor(value: string | undefined): ListPosition {
  if (value === undefined || !value.startsWith(PREFIX)) return { cursor: value, skip: 0 };
  const match = FORM.exec(value);
  const skip = match ? Number(match[1]) : NaN;
  if (!match || !Number.isSafeInteger(skip)) {
    throw new RangeError(`"${value.slice(0, 40)}" is not a valid resume cursor (expected ${PREFIX}<records to skip>:<cursor>)`);
  }
  const cursor = value.slice(match[0].length);
  return { cursor: cursor === '' ? undefined : cursor, skip };
}
