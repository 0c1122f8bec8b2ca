package org.zkbank;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import org.zkbank.account.DepositProperties;
import org.zkbank.account.RetryProperties;
import org.zkbank.customer.CustomerProperties;
import org.zkbank.support.StartupFailure;

/** Invalid configuration stops startup, and the startup report names the property and the reason. */
@ExtendWith(OutputCaptureExtension.class)
class BankConfigurationTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			--bank.customers[0]=                | bank.customers[0]               | must be 1 to 64 letters
			--bank.customers=Al/ice             | bank.customers[0]               | must be 1 to 64 letters
			--bank.customers=Alice,Bob,Alice    | bank.eachCustomerOnce           | must not name a customer twice
			--bank.amounts.max-deposit=0        | bank.amounts.maxDeposit         | must be greater than or equal to 0.01
			--bank.amounts.max-deposit=-5       | bank.amounts.maxDeposit         | must be greater than or equal to 0.01
			--bank.amounts.max-deposit=1.001    | bank.amounts.maxDeposit         | numeric value out of bounds
			--bank.deposit.opening-balance=-1   | bank.deposit.openingBalance     | must be greater than or equal to 0
			--bank.pace.interval-min=20s        | bank.pace.intervalMinWithinMax  | bank.pace.interval-min must not be longer than bank.pace.interval-max
			--bank.pace.think-min=5s            | bank.pace.thinkMinWithinMax     | bank.pace.think-min must not be longer than bank.pace.think-max
			--bank.pace.think-max=-1s           | bank.pace.thinkMax              | must be longer than or equal to 0
			--bank.pace.interval-max=soon       | bank.pace.interval-max          | is not a valid duration
			--bank.pace.concurrency=0           | bank.pace.concurrency           | must be greater than or equal to 1
			--bank.pace.concurrency=5000        | bank.pace.concurrency           | must be less than or equal to 1024
			--bank.retry.operation-timeout=0s   | bank.retry.operationTimeout     | must be longer than or equal to 1 milli
			--bank.retry.initial-backoff=0s     | bank.retry.initialBackoff       | must be longer than or equal to 1 milli
			--bank.retry.initial-backoff=5s     | bank.retry.initialBackoffWithinMax | bank.retry.initial-backoff must not be longer than bank.retry.max-backoff
			--bank.deposit.path=bank_deposit    | bank.deposit.path               | must be an absolute ZooKeeper path
			""")
	void invalidConfigurationFailsFastNamingTheProperty(String argument, String property, String reason,
			CapturedOutput output) {
		StartupFailure.assertStartupFails(PropertiesOnly.class, argument, property, reason, output);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ DepositProperties.class, RetryProperties.class, CustomerProperties.class })
	static class PropertiesOnly {

	}

}
