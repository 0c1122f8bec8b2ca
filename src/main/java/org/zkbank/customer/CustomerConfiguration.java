package org.zkbank.customer;

import org.apache.curator.RetryPolicy;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.framework.CuratorFramework;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.cloud.zookeeper.ZookeeperProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.zkbank.account.BankProperties;
import org.zkbank.observability.BankMetrics;

@Configuration(proxyBeanMethods = false)
class CustomerConfiguration {

	@Bean
	CustomerClients customerClients(CuratorFramework curatorFramework, ZookeeperProperties properties,
			RetryPolicy retryPolicy, ObjectProvider<CuratorFrameworkCustomizer> customizers,
			ObjectProvider<EnsembleProvider> ensemble, ObjectProvider<TracerDriver> tracer) {
		return new CustomerClients(curatorFramework, properties, retryPolicy, customizers, ensemble, tracer);
	}

	@Bean
	Customers customers(CustomerProperties properties, BankProperties bank, CustomerClients clients,
			BankMetrics metrics) {
		return new Customers(properties, bank, clients, metrics);
	}

	@Bean
	CustomersHealthIndicator bankHealthIndicator(Customers customers) {
		return new CustomersHealthIndicator(customers);
	}

}
