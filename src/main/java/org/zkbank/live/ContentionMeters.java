package org.zkbank.live;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reads this instance's customers' meters: {@code bank.conflicts}, {@code bank.retries}
 * and {@code bank.operations} by every {@code outcome} tag it carries, summed over
 * operation types.
 */
final class ContentionMeters {

	private final MeterRegistry registry;

	ContentionMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	List<LiveState.Contention> snapshot() {
		Map<String, Long> conflicts = sum("bank.conflicts");
		Map<String, Long> retries = sum("bank.retries");
		Map<String, Map<String, Long>> outcomes = new TreeMap<>();
		for (Counter counter : this.registry.find("bank.operations").counters()) {
			String customer = counter.getId().getTag("customer");
			String outcome = counter.getId().getTag("outcome");
			if (customer != null && outcome != null) {
				outcomes.computeIfAbsent(customer, (name) -> new TreeMap<>())
					.merge(outcome, (long) counter.count(), Long::sum);
			}
		}
		TreeMap<String, Long> customers = new TreeMap<>(conflicts);
		retries.forEach(customers::putIfAbsent);
		outcomes.keySet().forEach((customer) -> customers.putIfAbsent(customer, 0L));
		return customers.keySet()
			.stream()
			.map((customer) -> new LiveState.Contention(customer, conflicts.getOrDefault(customer, 0L),
					retries.getOrDefault(customer, 0L), outcomes.getOrDefault(customer, Map.of())))
			.toList();
	}

	private Map<String, Long> sum(String name) {
		Map<String, Long> sums = new TreeMap<>();
		for (Counter counter : this.registry.find(name).counters()) {
			String customer = counter.getId().getTag("customer");
			if (customer != null) {
				sums.merge(customer, (long) counter.count(), Long::sum);
			}
		}
		return sums;
	}

}
