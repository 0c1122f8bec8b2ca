package org.zkbank.account;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * The audit entry of one customer name, kept in its own node beside the balance: what it has
 * committed, and, per customer instance, the sequence number of the last operation it committed.
 * That last map is what tells an instance, after an ambiguous commit, whether its operation was
 * applied; it keeps the {@value #INSTANCES_KEPT} instances that committed most recently.
 */
public record CustomerTotals(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal deposited,
		@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal withdrawn, long operations,
		Map<String, Long> lastSequence) {

	/** Instances of one customer name whose last commit is remembered; restarts add new ones. */
	static final int INSTANCES_KEPT = 32;

	static final CustomerTotals NONE = new CustomerTotals(BigDecimal.ZERO, BigDecimal.ZERO, 0, Map.of());

	public CustomerTotals {
		lastSequence = (lastSequence == null) ? Map.of() : lastSequence;
	}

	/** Whether the operation with this sequence number of this instance is already committed. */
	boolean hasCommitted(String instance, long sequence) {
		Long last = this.lastSequence.get(instance);
		return last != null && last >= sequence;
	}

	/** These totals with one more committed operation of the given instance. */
	CustomerTotals plus(Operation operation, String instance, long sequence) {
		Map<String, Long> last = new LinkedHashMap<>(this.lastSequence);
		last.remove(instance);
		last.put(instance, sequence);
		while (last.size() > INSTANCES_KEPT) {
			last.remove(last.keySet().iterator().next());
		}
		return switch (operation.type()) {
			case DEPOSIT -> new CustomerTotals(this.deposited.add(operation.amount()), this.withdrawn,
					this.operations + 1, last);
			case WITHDRAW -> new CustomerTotals(this.deposited, this.withdrawn.add(operation.amount()),
					this.operations + 1, last);
		};
	}

	boolean isValid() {
		return this.deposited != null && this.deposited.signum() >= 0 && this.withdrawn != null
				&& this.withdrawn.signum() >= 0 && this.operations >= 0;
	}

}
