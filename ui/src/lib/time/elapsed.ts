/**
 * Formats a duration for an order's aging timer: "m:ss" under an hour
 * ("12:05"), "h:mm:ss" from an hour on ("1:02:05").
 *
 * Negative input becomes "0:00": clocks on two devices can disagree by a
 * few seconds, and a timer that counts below zero would only confuse.
 */
export function formatElapsed(totalSeconds: number): string {
  const seconds = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = seconds % 60;
  const ss = String(secs).padStart(2, "0");
  if (hours === 0) return `${minutes}:${ss}`;
  return `${hours}:${String(minutes).padStart(2, "0")}:${ss}`;
}
