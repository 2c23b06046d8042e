/** Word lists the synthetic records are made of. */

/** Given names. */
export const firstNames = [
  'Ada', 'Alan', 'Barbara', 'Brian', 'Carol', 'Claude', 'Dennis', 'Donald', 'Edsger', 'Frances', 'Grace', 'Guido',
  'Hedy', 'Ivan', 'James', 'Joan', 'John', 'Ken', 'Leslie', 'Linus', 'Margaret', 'Mary', 'Niklaus', 'Radia',
  'Rob', 'Sophie', 'Tim', 'Ursula', 'Vint', 'Whitfield', 'Xavier', 'Yukihiro',
] as const;

/** Family names. */
export const lastNames = [
  'Allen', 'Backus', 'Cerf', 'Dijkstra', 'Engelbart', 'Floyd', 'Goldberg', 'Hamilton', 'Hopper', 'Iverson',
  'Johnson', 'Kahn', 'Knuth', 'Lamport', 'Liskov', 'Lovelace', 'McCarthy', 'Milner', 'Naur', 'Perlman',
  'Pike', 'Ritchie', 'Rossum', 'Stroustrup', 'Sutherland', 'Thompson', 'Torvalds', 'Turing', 'Wilson', 'Wirth',
  'Yao', 'Zuse',
] as const;

/** Company names. */
export const companies = [
  'Acme Corp.', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay Industries', 'Stark Industries', 'Wayne Enterprises',
  'Soylent', 'Tyrell', 'Cyberdyne', 'Wonka', 'Aperture', 'Black Mesa', 'Oscorp', 'Massive Dynamic',
] as const;

/** Folder names (a numeric suffix keeps siblings unique). */
export const folderWords = [
  'reports', 'archive', 'incoming', 'outgoing', 'invoices', 'photos', 'backups', 'exports', 'projects', 'shared',
  'clients', 'contracts', 'drafts', 'logs', 'media', 'payroll',
] as const;

/** File name stems (a numeric suffix keeps siblings unique). */
export const fileStems = [
  'summary', 'data', 'notes', 'invoice', 'report', 'image', 'scan', 'export', 'backup', 'readme', 'budget', 'plan',
  'minutes', 'draft', 'final', 'statement',
] as const;

/** File extensions with their MIME types. */
export const fileTypes = [
  ['txt', 'text/plain'],
  ['csv', 'text/csv'],
  ['json', 'application/json'],
  ['pdf', 'application/pdf'],
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['zip', 'application/zip'],
  ['bin', 'application/octet-stream'],
] as const;

/** Group names. */
export const groupWords = [
  'Engineering', 'Finance', 'Legal', 'Marketing', 'Operations', 'Partners', 'Sales', 'Support',
] as const;

/** Actions of history records. */
export const historyActions = ['create', 'read', 'update', 'destroy', 'move', 'copy', 'login'] as const;

/** Interfaces requests come through. */
export const interfaces = ['web', 'restapi', 'sftp', 'ftp', 'dav', 'desktop'] as const;

/** Permission levels. */
export const permissionLevels = ['full', 'readonly', 'writeonly', 'list', 'history', 'admin', 'bundle'] as const;

/** Picks an element of a list from a hash. */
export function pick<T>(list: readonly T[], hash: number): T {
  return list[hash % list.length]!;
}
