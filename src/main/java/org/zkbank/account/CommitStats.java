package org.zkbank.account;

import java.time.Duration;

/**
 * What one commit took, shared by all its operations.
 *
 * @param attempts versioned writes sent
 * @param conflicts writes refused because another commit came first
 * @param ambiguous whether a write's reply was lost (connection loss) and had to be
 * resolved
 * @param duration from the start of the commit to its outcome
 * @param turnWait how long of it the commit waited for its turn to write, after it lost a
 * race or handed its turn over
 */
public record CommitStats(int attempts, int conflicts, boolean ambiguous, Duration duration, Duration turnWait) {
}
