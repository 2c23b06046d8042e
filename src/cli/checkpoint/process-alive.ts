/**
 * True when a process with this pid exists on this host (signal 0 reaches it, or it exists
 * but belongs to another user). False when none does, or the pid is not a valid one (an
 * integer of at least 1: 0 and negative numbers name process groups, never checked).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
