package org.zkbank.account;

import java.time.Duration;

/**
 * When a customer instance writes, so that no customer starves and conflicts stay few
 * when customers commit without pauses. Only a policy on timing: any commit may still
 * write at any time, and its versioned write decides.
 * <p>
 * A customer that lost a race listens before it talks: it waits until the balance has not
 * changed for a few of its round trips before it writes again. A customer that made the
 * last writes in a row, from its own last commit, takes turns: after a turn of
 * {@value #SHORTEST_TURN} commits it holds back for a few round trips and then writes
 * only on a quiet balance. If somebody committed meanwhile, its turns stay short; if
 * nobody did, they double (up to {@value #LONGEST_TURN}), so that a customer alone loses
 * almost nothing. Turns and waits grow with the number of customer names in the audit
 * (one step per {@value #CUSTOMERS_PER_SCALE}), so that many waiting customers do not
 * keep the server busy with their reads. Commits of one instance do not overlap, so its
 * state needs no locking.
 */
final class TurnTaking {

	/**
	 * The commits a customer makes in a row before it holds back, when others want to
	 * commit too.
	 */
	static final int SHORTEST_TURN = 64;

	static final int LONGEST_TURN = 4096;

	/** How long a customer holds back at the end of its turn, in its round trips. */
	private static final int HOLD_BACK_ROUND_TRIPS = 14;

	/**
	 * How long the balance must stay unchanged before a customer that lost a race writes
	 * again.
	 */
	private static final int QUIET_ROUND_TRIPS = 4;

	private static final int CUSTOMERS_PER_SCALE = 8;

	/** The longest stretch of turns and waits, however many names the audit lists. */
	private static final int MAX_SCALE = 8;

	private final RoundTrips roundTrips;

	/** The balance transaction this instance's last commit made. */
	private long ownMzxid = -1;

	/** Commits in a row made from this instance's own last commit. */
	private int streak;

	private int turnLength = SHORTEST_TURN;

	TurnTaking(RoundTrips roundTrips) {
		this.roundTrips = roundTrips;
	}

	/**
	 * Whether the commit about to start from the given snapshot ends this instance's
	 * turn: then it holds back ({@link #holdBack}) and writes only on a quiet balance.
	 * @param basis the snapshot the commit starts from, {@code null} if none
	 */
	boolean turnOver(Snapshot basis) {
		boolean fromOwnCommit = basis != null && basis.mzxid() == this.ownMzxid;
		this.streak = fromOwnCommit ? this.streak + 1 : 0;
		if (this.streak < this.turnLength * scale(basis)) {
			return false;
		}
		this.streak = 0;
		return true;
	}

	/**
	 * How long to hold back at the end of a turn, so that a customer that came meanwhile
	 * has the turn.
	 */
	Duration holdBack(Snapshot basis) {
		return Duration.ofNanos(this.roundTrips.nanos(HOLD_BACK_ROUND_TRIPS * scale(basis)));
	}

	/**
	 * How long to wait before reading again, to learn whether the balance has become
	 * quiet.
	 */
	Duration quietWait(Snapshot current) {
		return this.roundTrips.jittered(QUIET_ROUND_TRIPS * scale(current));
	}

	/**
	 * Learns from a commit's end.
	 * @param turnOver whether it ended a turn
	 * @param heardNobody whether no other commit came in while it waited or wrote
	 */
	void ended(boolean turnOver, boolean heardNobody, CommitResult result) {
		if (turnOver) {
			this.turnLength = heardNobody ? Math.min(LONGEST_TURN, this.turnLength * 2) : SHORTEST_TURN;
		}
		if (result.snapshot() != null && result.anyCommitted()) {
			this.ownMzxid = result.snapshot().mzxid();
		}
	}

	/** One step per {@value #CUSTOMERS_PER_SCALE} customer names in the audit. */
	private static int scale(Snapshot snapshot) {
		int names = (snapshot != null) ? snapshot.root().entries() : 0;
		return Math.min(MAX_SCALE, Math.max(1, names / CUSTOMERS_PER_SCALE));
	}

}
