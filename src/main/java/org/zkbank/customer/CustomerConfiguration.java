package org.zkbank.customer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.zkbank.account.DepositSettings;
import org.zkbank.observability.BankMetrics;
import org.zkbank.zookeeper.ZooKeeperSessions;

@Configuration(proxyBeanMethods = false)
class CustomerConfiguration {

	@Bean
	Customers customers(CustomerProperties properties, DepositSettings bank, ZooKeeperSessions sessions,
			BankMetrics metrics) {
		return new Customers(properties, bank, sessions, metrics);
	}

	@Bean
	CustomersHealthIndicator bankHealthIndicator(Customers customers) {
		return new CustomersHealthIndicator(customers);
	}

}
