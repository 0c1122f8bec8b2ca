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

/**
 * Invalid configuration stops startup, and the startup report names the property and the
 * reason.
 */
@ExtendWith(OutputCaptureExtension.class)
class BankConfigurationTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					--bank.customers.names[0]=                 | bank.customers.names[0]                  | must be 1 to 64 letters
					--bank.customers.names=Al/ice              | bank.customers.names[0]                  | must be 1 to 64 letters
					--bank.customers.names=Alice,Bob,Alice     | bank.customers.eachCustomerOnce          | bank.customers.names must not name a customer twice
					--bank.customers.amounts.max-deposit=0     | bank.customers.amounts.maxDeposit        | must be greater than or equal to 0.01
					--bank.customers.amounts.max-deposit=-5    | bank.customers.amounts.maxDeposit        | must be greater than or equal to 0.01
					--bank.customers.amounts.max-deposit=1.001 | bank.customers.amounts.maxDeposit        | numeric value out of bounds
					--bank.deposit.opening-balance=-1          | bank.deposit.openingBalance              | must be greater than or equal to 0
					--bank.customers.pace.interval-min=20s     | bank.customers.pace.intervalMinWithinMax | bank.customers.pace.interval-min must not be longer than bank.customers.pace.interval-max
					--bank.customers.pace.think-min=5s         | bank.customers.pace.thinkMinWithinMax    | bank.customers.pace.think-min must not be longer than bank.customers.pace.think-max
					--bank.customers.pace.think-max=-1s        | bank.customers.pace.thinkMax             | must be longer than or equal to 0
					--bank.customers.pace.interval-max=soon    | bank.customers.pace.interval-max         | is not a valid duration
					--bank.customers.pace.concurrency=0        | bank.customers.pace.concurrency          | must be greater than or equal to 1
					--bank.customers.pace.concurrency=5000     | bank.customers.pace.concurrency          | must be less than or equal to 1024
					--bank.retry.operation-timeout=0s          | bank.retry.operationTimeout              | must be longer than or equal to 1 milli
					--bank.retry.initial-backoff=0s            | bank.retry.initialBackoff                | must be longer than or equal to 1 milli
					--bank.retry.initial-backoff=5s            | bank.retry.initialBackoffWithinMax       | bank.retry.initial-backoff must not be longer than bank.retry.max-backoff
					--bank.deposit.path=bank_deposit           | bank.deposit.path                        | must be an absolute ZooKeeper path
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
