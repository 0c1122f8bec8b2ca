package org.zkbank.account;

import org.apache.curator.framework.CuratorFramework;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AccountConfiguration {

	/** The audit reads through the application's shared ZooKeeper session. */
	@Bean
	DepositAudit depositAudit(CuratorFramework client, BankProperties properties) {
		return new DepositAudit(client, properties);
	}

}
