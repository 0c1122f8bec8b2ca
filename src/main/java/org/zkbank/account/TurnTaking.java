package org.zkbank.account;

import java.time.Duration;

/**
 * When a customer instance writes, so that no customer starves and conflicts stay few
 * when customers commit without pauses. Only a policy on timing: any commit may still
 * write at any time, and its versioned write decides.
 * <p>
 * A customer that lost a race twice in a row (once may be a stale snapshot) takes a place
 * in line ({@link TurnQueue}) and waits for its turn before it writes again. A customer
 * whose last commit was applied holds the turn: after {@value #TURN} commits in a row
 * from its own last commit, if others wait, it hands the turn to the first in line and
 * takes a place at the back; with nobody waiting it goes on with no pause. A holder that
 * stops committing for {@value #IDLE_ROUND_TRIPS} of its round trips hands the turn over
 * too, so that the line never waits for a customer that is thinking or done; if it wants
 * to write again soon after, it waits in line. The first in line that is not handed the
 * turn within a lease writes anyway, keeping its place until a write wins: whoever held
 * the turn stopped, died or was cut off. The lease is twice this instance's last turn,
 * and at least {@value #LEASE_ROUND_TRIPS} round trips.
 * <p>
 * Commits of one instance do not overlap, and the hand-over of an idle holder runs
 * between them ({@link IdleTimer}), so the state needs no locking.
 */
final class TurnTaking {

	/**
	 * The commits a customer makes in a row before it hands over, when others wait for a
	 * turn.
	 */
	static final int TURN = 64;

	/** The shortest lease of the first in line, in its round trips: four turns. */
	static final int LEASE_ROUND_TRIPS = 4 * TURN;

	/** How many commits before the end of its turn a holder reads the line. */
	private static final int LOOK_AHEAD = 4;

	/** How long a holder that stopped committing keeps the turn, in its round trips. */
	static final int IDLE_ROUND_TRIPS = 4;

	/**
	 * How often an idle holder looks again at a line that changed, before it gives up.
	 */
	private static final int IDLE_READS = 3;

	private final RoundTrips roundTrips;

	private final TurnQueue queue;

	private final IdleTimer idle;

	/** Reads of the line an idle holder has started since its last commit. */
	private int idleReads;

	/** The balance transaction this instance's last commit made. */
	private long ownMzxid = -1;

	/** Commits in a row made from this instance's own last commit. */
	private int streak;

	/**
	 * Whether this instance's last commit was applied and it has not lost a race since:
	 * it may hold the turn, and its next conflict may come from a stale snapshot.
	 */
	private boolean lastWon;

	/** When this instance's current streak of commits began. */
	private long turnStarted;

	/** How long this instance's last turn lasted, 0 before its first hand-over. */
	private long turnNanos;

	/** When this instance, idle, handed the turn over; 0 if it did not since. */
	private long gaveAwayAt;

	TurnTaking(RoundTrips roundTrips, TurnQueue queue) {
		this.roundTrips = roundTrips;
		this.queue = queue;
		this.idle = new IdleTimer(this::handOverIdle, () -> roundTrips.nanos(IDLE_ROUND_TRIPS));
	}

	/**
	 * Whether the commit about to start from the given snapshot must wait for a turn:
	 * this instance has just handed its turn over, at the end of a turn or while idle
	 * shortly before.
	 * @param basis the snapshot the commit starts from, {@code null} if none
	 */
	boolean turnOver(Snapshot basis) {
		this.idle.busy();
		long now = System.nanoTime();
		boolean fromOwnCommit = basis != null && basis.mzxid() == this.ownMzxid;
		this.streak = fromOwnCommit ? this.streak + 1 : 0;
		if (this.streak == 1) {
			this.turnStarted = now;
		}
		if (this.gaveAwayAt != 0) {
			boolean recently = now - this.gaveAwayAt < lease().toNanos();
			this.gaveAwayAt = 0;
			if (recently) {
				// the turn it gave away is likely still going on: it waits in line for it
				this.streak = 0;
				return this.queue.join();
			}
		}
		if (this.streak >= TURN - LOOK_AHEAD) {
			this.queue.readLineAhead();
		}
		if (this.streak < TURN || !this.queue.othersWaiting()) {
			return false;
		}
		this.streak = 0;
		this.turnNanos = now - this.turnStarted;
		return this.queue.tapFront() && this.queue.join();
	}

	/**
	 * Learns of a lost race.
	 * @return whether to wait for a turn: after a second lost race in a row, this
	 * instance takes a place in line; after the first one since its last commit was
	 * applied, it reads and writes again at once, for its snapshot may only have been
	 * stale
	 */
	boolean lostRace() {
		if (this.lastWon) {
			this.lastWon = false;
			return false;
		}
		return this.queue.join();
	}

	/**
	 * Waits for this instance's turn, if it has a place in line.
	 * @param deadline the {@link System#nanoTime} at which to stop waiting
	 */
	TurnQueue.Turn awaitTurn(long deadline) {
		return this.queue.awaitTurn(lease(), deadline);
	}

	/** Learns from a commit's end, and gives up a place in line it no longer needs. */
	void ended(CommitResult result) {
		this.queue.leave();
		this.lastWon = result.anyCommitted();
		if (result.snapshot() != null && result.anyCommitted()) {
			this.ownMzxid = result.snapshot().mzxid();
		}
		this.idleReads = 0;
		this.idle.idle(this.lastWon);
	}

	/** Gives up a place in line after a commit that ended in a defect. */
	void abandoned() {
		this.queue.leave();
		this.lastWon = false;
		this.idle.idle(false);
	}

	/**
	 * Twice this instance's last turn, and at least {@value #LEASE_ROUND_TRIPS} round
	 * trips.
	 */
	private Duration lease() {
		return Duration.ofNanos(Math.max(this.roundTrips.nanos(LEASE_ROUND_TRIPS), 2 * this.turnNanos));
	}

	/**
	 * Hands the turn to the first in line if others wait, this instance having held it
	 * and not committed for {@value #IDLE_ROUND_TRIPS} round trips. Never blocks: a line
	 * that changed since it was read is read in the background, and looked at again after
	 * another idle time.
	 * @return whether to look again
	 */
	private boolean handOverIdle() {
		Boolean othersWaiting = this.queue.othersWaitingAsLastRead();
		if (othersWaiting == null) {
			this.queue.readLineAhead();
			return ++this.idleReads < IDLE_READS;
		}
		if (othersWaiting && this.queue.tapFront()) {
			this.gaveAwayAt = System.nanoTime();
			this.streak = 0;
		}
		return false;
	}

}
