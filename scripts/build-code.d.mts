/** Public entries, and the Node-only halves other code reaches by dynamic import(). */
export declare const ENTRIES: readonly string[];
/** Bundles every entry of {@link ENTRIES} into `outdir` (which should be empty). */
export declare function buildCode(outdir: string): Promise<void>;
