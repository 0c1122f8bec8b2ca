package org.zkbank.customer;

import org.apache.curator.RetryPolicy;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.framework.CuratorFramework;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.zookeeper.CuratorFactory;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.cloud.zookeeper.ZookeeperProperties;

/**
 * ZooKeeper sessions for customers: the first customer uses the application's client; every other
 * customer gets a session of its own, built by Spring Cloud Zookeeper's factory from the same
 * {@code spring.cloud.zookeeper.*} properties, retry policy and ensemble.
 */
final class CustomerClients {

	private final CuratorFramework shared;

	private final ZookeeperProperties properties;

	private final RetryPolicy retryPolicy;

	private final ObjectProvider<CuratorFrameworkCustomizer> customizers;

	private final ObjectProvider<EnsembleProvider> ensemble;

	private final ObjectProvider<TracerDriver> tracer;

	CustomerClients(CuratorFramework shared, ZookeeperProperties properties, RetryPolicy retryPolicy,
			ObjectProvider<CuratorFrameworkCustomizer> customizers, ObjectProvider<EnsembleProvider> ensemble,
			ObjectProvider<TracerDriver> tracer) {
		this.shared = shared;
		this.properties = properties;
		this.retryPolicy = retryPolicy;
		this.customizers = customizers;
		this.ensemble = ensemble;
		this.tracer = tracer;
	}

	/** The client of the customer at this position in {@code bank.customers}; waits for a connection a while. */
	CuratorFramework open(int index) throws Exception {
		if (index == 0) {
			return this.shared;
		}
		return CuratorFactory.curatorFramework(this.properties, this.retryPolicy, this.customizers::orderedStream,
				this.ensemble::getIfAvailable, this.tracer::getIfAvailable);
	}

	/** Closes a client that {@link #open} made; the application's client is closed by Spring. */
	void close(CuratorFramework client) {
		if (client != this.shared) {
			client.close();
		}
	}

}
