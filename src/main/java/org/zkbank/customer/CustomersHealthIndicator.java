package org.zkbank.customer;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import org.zkbank.account.DepositException;

/**
 * Health component {@code bank}: down while any customer cannot use the deposit
 * (ZooKeeper unreachable, balance corrupt or missing), with each customer's state as
 * details.
 */
final class CustomersHealthIndicator extends AbstractHealthIndicator {

	private final Customers customers;

	CustomersHealthIndicator(Customers customers) {
		this.customers = customers;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<String, Object> states = new LinkedHashMap<>();
		boolean up = true;
		for (String name : this.customers.names()) {
			Customer customer = this.customers.running().get(name);
			DepositException problem = (customer != null) ? customer.problem() : null;
			if (problem != null) {
				up = false;
				states.put(name, Map.of("state", problem.problem().name(), "error", problem.getMessage()));
			}
			else {
				states.put(name, Map.of("state", (customer != null) ? "OPERATING" : "CONNECTING"));
			}
		}
		(up ? builder.up() : builder.down()).withDetail("customers", states);
	}

}
