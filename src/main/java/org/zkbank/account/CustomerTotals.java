package org.zkbank.account;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * The audit entry of one customer name, kept in its own node beside the balance: what it has
 * committed, in how many operations and how many writes of the balance (commits; a group commit
 * carries several operations), and, per customer instance, the sequence number of its last
 * commit. That last map is what tells an instance, after an ambiguous commit, whether its commit
 * was applied; it keeps the {@value #INSTANCES_KEPT} instances that committed most recently. An
 * entry written before commits were counted has one commit per operation, as they all had then.
 */
public record CustomerTotals(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal deposited,
		@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal withdrawn, long operations, Long commits,
		Map<String, Long> lastSequence) {

	/** Instances of one customer name whose last commit is remembered; restarts add new ones. */
	static final int INSTANCES_KEPT = 32;

	static final CustomerTotals NONE = new CustomerTotals(BigDecimal.ZERO, BigDecimal.ZERO, 0, 0L, Map.of());

	public CustomerTotals {
		commits = (commits == null) ? operations : commits;
		lastSequence = (lastSequence == null) ? Map.of() : lastSequence;
	}

	/** Whether the commit with this sequence number of this instance is already applied. */
	boolean hasCommitted(String instance, long sequence) {
		Long last = this.lastSequence.get(instance);
		return last != null && last >= sequence;
	}

	/** These totals with one more commit of the given instance, carrying the given operations. */
	CustomerTotals plus(List<Operation> operations, String instance, long sequence) {
		Map<String, Long> last = new LinkedHashMap<>(this.lastSequence);
		last.remove(instance);
		last.put(instance, sequence);
		while (last.size() > INSTANCES_KEPT) {
			last.remove(last.keySet().iterator().next());
		}
		BigDecimal deposits = this.deposited;
		BigDecimal withdrawals = this.withdrawn;
		for (Operation operation : operations) {
			switch (operation.type()) {
				case DEPOSIT -> deposits = deposits.add(operation.amount());
				case WITHDRAW -> withdrawals = withdrawals.add(operation.amount());
			}
		}
		return new CustomerTotals(deposits, withdrawals, this.operations + operations.size(), this.commits + 1, last);
	}

	boolean isValid() {
		return this.deposited != null && this.deposited.signum() >= 0 && this.withdrawn != null
				&& this.withdrawn.signum() >= 0 && this.commits >= 0 && this.commits <= this.operations
				&& (this.commits > 0 || this.operations == 0);
	}

}
