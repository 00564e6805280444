// Reads of one LanceDB table kept until the table's version changes. A monitor with many dashboards asks for a
// run's epochs dozens of times a second; checking the version (one look at the table's manifest) costs much less
// than a query and its Arrow decoding, and any write — ours, a trainer's, a resume's delete — makes a new version.

export interface VersionedReads {
  /** `read()`'s answer for `key` at the table's current version, read once per version (concurrent calls share it). */
  get<T>(key: string, read: () => Promise<T>): Promise<T>;
}

/**
 * `version` is the table's current version (with a read consistency interval of 0 it sees other processes'
 * commits). Each version holds at most `limit` keys; a failed read is not kept.
 */
export function makeVersionedReads(version: () => Promise<number>, limit = 256): VersionedReads {
  let seen = -1;
  const answers = new Map<string, Promise<unknown>>();
  const currentVersion = makeCoalescedCheck(version);
  return {
    async get<T>(key: string, read: () => Promise<T>): Promise<T> {
      const current = await currentVersion();
      // A read begun at an older version may have seen the newer data or not; either way it is dropped here,
      // since it was kept under the older version.
      if (current !== seen) {
        answers.clear();
        seen = current;
      }
      let answer = answers.get(key) as Promise<T> | undefined;
      if (!answer) {
        const started = read();
        answer = started;
        answers.set(key, started);
        started.catch(() => {
          if (answers.get(key) === started) {
            answers.delete(key);
          }
        });
        if (answers.size > limit) {
          answers.delete(answers.keys().next().value!);
        }
      }
      return answer;
    },
  };
}

/**
 * `check()` shared by concurrent callers, each answered by a check that began after it called: a caller arriving
 * while one runs waits for it and then shares the one next check, so a write that finished before the call is
 * always seen. Under 200 dashboards every request asked for a version or two, and LanceDB's version() cost the
 * event loop ~10% of its time (issue 15 item 7); now at most two run per check's duration.
 */
export function makeCoalescedCheck<T>(check: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const current = (): Promise<T> => {
    if (!running) {
      running = check().finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running
      .catch(() => {})
      .then(() => {
        next = null;
        return current();
      });
    return next;
  };
  return current;
}
