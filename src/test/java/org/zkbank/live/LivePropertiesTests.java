package org.zkbank.live;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import org.zkbank.support.StartupFailure;

/**
 * An invalid setting of the live page stops startup, and the report names the property.
 */
@ExtendWith(OutputCaptureExtension.class)
class LivePropertiesTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			--bank.live.push-interval=1ms     | bank.live.pushInterval  | must be longer than or equal to 10 millis
			--bank.live.audit-interval=0s     | bank.live.auditInterval | must be longer than or equal to 10 millis
			--bank.live.history=5             | bank.live.history       | must be greater than or equal to 10
			--bank.live.feed=0                | bank.live.feed          | must be greater than or equal to 1
			--bank.live.max-viewers=5000      | bank.live.maxViewers    | must be less than or equal to 1024
			--bank.live.stream-timeout=100ms  | bank.live.streamTimeout | must be longer than or equal to 1 second
			""")
	void invalidSettingFailsFastNamingTheProperty(String argument, String property, String reason,
			CapturedOutput output) {
		StartupFailure.assertStartupFails(PropertiesOnly.class, argument, property, reason, output);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(LiveProperties.class)
	static class PropertiesOnly {

	}

}
