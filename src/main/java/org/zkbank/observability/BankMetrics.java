package org.zkbank.observability;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Makes the meters of each customer; every bank meter carries the tag {@code customer}.
 */
@Component
public class BankMetrics {

	private final MeterRegistry registry;

	public BankMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	public CustomerMeters forCustomer(String customer) {
		return new CustomerMeters(this.registry, customer);
	}

}
