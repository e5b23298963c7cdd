// Instants as the people of a zone read them: an on-call hand-off, a cron job's next
// run. The API speaks UTC; the CLI turns it to the zone where a schedule is written.
import { DateTime } from 'luxon';

/** `Mon 2026-10-26 09:00`, or `Mon 09:00` without the date; the ISO text if unreadable. */
export function wallClock(iso: string, zone: string, withDate = true): string {
  const local = DateTime.fromISO(iso, { zone }).setLocale('en-GB');
  return local.isValid ? local.toFormat(withDate ? 'ccc yyyy-MM-dd HH:mm' : 'ccc HH:mm') : iso;
}
