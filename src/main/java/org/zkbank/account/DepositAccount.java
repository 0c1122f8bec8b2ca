package org.zkbank.account;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One customer instance's handle on the shared deposit: it reads the balance and commits
 * operations, and is the only way into the commit protocol.
 * <p>
 * A commit carries one operation or several (group commit), each checked in order against
 * the running balance, and is one ZooKeeper {@code multi} per attempt: the new balance
 * and the customer's new audit totals, each at the version read, so that it is all or
 * nothing and a write that landed first makes it a conflict, after which the same
 * operations are retried ({@link Commit}). When it writes is the {@link TurnTaking}
 * policy's choice, with a line of waiting instances in ZooKeeper ({@link TurnQueue}). No
 * write is ever sent at version -1, which ZooKeeper reads as unconditional: a node about
 * to reach it is recreated (see {@link Snapshot#rollsOver}).
 */
public final class DepositAccount {

	private static final Logger log = LoggerFactory.getLogger(DepositAccount.class);

	private final DepositReader reader;

	private final CommitContext context;

	private final String instance = UUID.randomUUID().toString().substring(0, 13);

	private final AtomicLong sequence = new AtomicLong();

	public DepositAccount(CuratorFramework client, DepositSettings settings, String customer, StopSignal stop) {
		RoundTrips roundTrips = new RoundTrips();
		DepositNodes nodes = new DepositNodes(client, settings);
		this.reader = new DepositReader(nodes, customer, roundTrips);
		this.context = new CommitContext(this.reader, settings.retry(), stop, roundTrips, new Backoff(settings.retry()),
				new TurnTaking(roundTrips, new TurnQueue(nodes, this.instance, stop)));
	}

	public String customer() {
		return this.reader.customer();
	}

	/**
	 * Why the deposit could not be read the last time, also while an operation waits it
	 * out inside a commit, or {@code null} if the last read succeeded.
	 */
	public DepositException problem() {
		return this.reader.problem();
	}

	/**
	 * Reads the balance and this customer's audit entry in one atomic round trip. Starts
	 * the audit (and creates the balance node with the opening balance) when the deposit
	 * was never audited.
	 * @throws DepositException when ZooKeeper is unavailable or the deposit is missing or
	 * corrupt
	 */
	public Snapshot read() {
		return this.reader.read();
	}

	/**
	 * Commits one operation, retrying it after conflicts, and returns how it ended. Never
	 * throws: conflicts, an unavailable ZooKeeper and an unusable deposit all end in the
	 * result.
	 * @param basis the snapshot the operation was decided on, or {@code null} to read one
	 * first
	 */
	public CommitResult commit(Operation operation, Snapshot basis) {
		return commit(List.of(operation), basis);
	}

	/**
	 * Commits operations together, in one {@code multi} per attempt, and returns how each
	 * ended, in their order. Each is checked in order against the running balance: a
	 * withdrawal that does not fit is rejected alone, the others commit. The operations
	 * share the commit's attempts, conflicts and outcome of a lost reply: they are
	 * committed all at once or not at all. Calls must not overlap; never throws: a defect
	 * ends the commit failed, or unknown if a write may have been applied, and shows in
	 * {@link #problem()}.
	 * @param basis the freshest snapshot the operations were decided on, or {@code null}
	 * to read one first
	 */
	public CommitResult commit(List<Operation> operations, Snapshot basis) {
		Commit commit = new Commit(this.context,
				new CommitResult.CommitId(this.instance, this.sequence.incrementAndGet()), operations, basis);
		TurnTaking turns = this.context.turns();
		try {
			if (turns.turnOver(basis)) {
				commit.waitForTurn();
			}
			CommitResult result = commit.run();
			turns.ended(result);
			return result;
		}
		catch (RuntimeException ex) {
			turns.abandoned();
			// a defect, not a state of the deposit: reported, and the customer goes on
			log.error("{}: unexpected error while committing {}", customer(), operations, ex);
			this.reader.reportInternal(new DepositException(DepositException.Problem.INTERNAL,
					"unexpected error while committing: " + ex, ex));
			return commit.broken(ex);
		}
	}

}
