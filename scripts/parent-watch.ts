/**
 * Calls `onGone` once, as soon as the process `parentPid` is no longer our parent: it exited, however it ended (a
 * SIGKILLed parent runs no code of its own, so its children have to notice). An orphan is handed to init or a
 * subreaper, so its parent pid changes: polling `process.ppid` sees it on Linux and macOS alike, with no pipe to keep.
 * @param parentPid the parent at spawn time, passed down explicitly: if it died before we got here, we see it at once
 */
export function whenParentGone(parentPid: number, onGone: () => void, intervalMs = 250): void {
  const check = (): boolean => {
    if (process.ppid === parentPid) return false;
    clearInterval(timer);
    onGone();
    return true;
  };
  const timer = setInterval(check, intervalMs);
  timer.unref(); // never what keeps a process alive
  check();
}
