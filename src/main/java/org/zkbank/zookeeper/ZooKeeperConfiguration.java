package org.zkbank.zookeeper;

import org.apache.curator.RetryPolicy;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.framework.CuratorFramework;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.zookeeper.CuratorFactory;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.cloud.zookeeper.ZookeeperProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The application's ZooKeeper sessions, all made by Spring Cloud Zookeeper. */
@Configuration(proxyBeanMethods = false)
class ZooKeeperConfiguration {

	/** The shared session, and more sessions made as Spring Cloud Zookeeper made that one. */
	@Bean
	ZooKeeperSessions zooKeeperSessions(CuratorFramework curatorFramework, ZookeeperProperties properties,
			RetryPolicy retryPolicy, ObjectProvider<CuratorFrameworkCustomizer> customizers,
			ObjectProvider<EnsembleProvider> ensemble, ObjectProvider<TracerDriver> tracer) {
		return new ZooKeeperSessions(curatorFramework, () -> CuratorFactory.curatorFramework(properties, retryPolicy,
				customizers::orderedStream, ensemble::getIfAvailable, tracer::getIfAvailable));
	}

}
