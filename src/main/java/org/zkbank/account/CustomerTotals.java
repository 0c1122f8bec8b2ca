package org.zkbank.account;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * The audit entry of one customer name, kept in its own node beside the balance: what it
 * has committed, in how many operations and how many writes of the balance (commits; a
 * group commit carries several operations), and, per customer instance, its last commit.
 * That last part is what tells an instance, after its reply was lost, whether its commit
 * was applied.
 * <p>
 * It keeps the {@value #INSTANCES_KEPT} instances that committed most recently. An
 * instance that is left out was either never applied or forgotten;
 * {@code evictedThrough}, the highest commit number any forgotten instance had, says
 * which: a commit numbered above it cannot have been forgotten, so its absence means it
 * was never applied. Otherwise its fate is unknown, and it is reported as such, never
 * sent again.
 *
 * @param deposited the sum of committed deposits
 * @param withdrawn the sum of committed withdrawals
 * @param operations committed operations
 * @param commits writes of the balance by this name; the n-th one is commit number n
 * @param instances per instance, its last commit, least recent first
 * @param evictedThrough the highest commit number of an instance no longer kept, 0 if
 * none
 * @param firstCommit the commit that created the entry's node (the first, or the one that
 * rolled it over): the node's version is {@code commits - firstCommit}, so a write by
 * anyone else shows
 */
public record CustomerTotals(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal deposited,
		@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal withdrawn, long operations, long commits,
		Map<String, InstanceCommit> instances, long evictedThrough, long firstCommit) {

	/**
	 * Instances of one customer name whose last commit is remembered; restarts add new
	 * ones.
	 */
	static final int INSTANCES_KEPT = 32;

	static final CustomerTotals NONE = new CustomerTotals(BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, Map.of(), 0, 0);

	/**
	 * The last commit of one instance.
	 *
	 * @param sequence the instance's own number of the commit, the same on every attempt
	 * @param commit the commit number it had in the name's entry
	 */
	public record InstanceCommit(long sequence, long commit) {
	}

	/**
	 * What an entry says of a commit whose reply was lost, once the balance has moved on.
	 */
	enum Fate {

		APPLIED, NOT_APPLIED, UNKNOWN

	}

	/**
	 * Whether the commit with this sequence of this instance was applied, for a commit
	 * that, if applied, made the given commit number.
	 */
	Fate fate(String instance, long sequence, long commit) {
		InstanceCommit last = this.instances.get(instance);
		if (last != null) {
			// only this instance replaces its own record, and it sends nothing while
			// resolving
			return (last.sequence() >= sequence) ? Fate.APPLIED : Fate.NOT_APPLIED;
		}
		return (this.evictedThrough >= commit) ? Fate.UNKNOWN : Fate.NOT_APPLIED;
	}

	/**
	 * These totals with one more commit of the given instance, carrying the given
	 * operations.
	 * @param createsNode whether the commit creates the entry's node (first commit, or
	 * rollover)
	 */
	CustomerTotals plus(List<Operation> operations, String instance, long sequence, boolean createsNode) {
		long commit = this.commits + 1;
		Map<String, InstanceCommit> kept = new LinkedHashMap<>(this.instances);
		kept.remove(instance);
		kept.put(instance, new InstanceCommit(sequence, commit));
		long evicted = this.evictedThrough;
		while (kept.size() > INSTANCES_KEPT) {
			String oldest = kept.keySet().iterator().next();
			evicted = Math.max(evicted, kept.remove(oldest).commit());
		}
		BigDecimal deposits = this.deposited;
		BigDecimal withdrawals = this.withdrawn;
		for (Operation operation : operations) {
			switch (operation.type()) {
				case DEPOSIT -> deposits = deposits.add(operation.amount());
				case WITHDRAW -> withdrawals = withdrawals.add(operation.amount());
			}
		}
		return new CustomerTotals(deposits, withdrawals, this.operations + operations.size(), commit, kept, evicted,
				createsNode ? commit : this.firstCommit);
	}

	/** Whether the totals can be stored and read back: what {@link Money} accepts. */
	boolean isStorable() {
		return Money.isStorable(this.deposited) && Money.isStorable(this.withdrawn);
	}

	/** Whether only commits wrote the entry's node, which is then at this version. */
	boolean isWrittenOnlyByCommits(int version) {
		return Integer.toUnsignedLong(version) == this.commits - this.firstCommit;
	}

	/**
	 * Whether the totals are well formed for an entry that exists (it has at least one
	 * commit).
	 */
	boolean isValid() {
		return this.deposited != null && this.withdrawn != null && isStorable() && this.commits > 0
				&& this.commits <= this.operations && this.firstCommit > 0 && this.firstCommit <= this.commits
				&& this.instances != null && this.instances.size() <= INSTANCES_KEPT
				&& this.instances.values()
					.stream()
					.allMatch((last) -> last != null && last.sequence() > 0 && last.commit() > 0
							&& last.commit() <= this.commits)
				&& this.evictedThrough >= 0 && this.evictedThrough <= this.commits;
	}

}
