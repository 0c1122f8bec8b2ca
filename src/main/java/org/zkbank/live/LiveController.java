package org.zkbank.live;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live page and its event stream, the only endpoints of the package; both read-only.
 * {@code GET /} is the page; {@code GET /live/events} is a {@code text/event-stream} of
 * events named {@code bank}, each holding the whole {@link LiveState} as JSON.
 */
@Controller
class LiveController {

	private static final Resource PAGE = new ClassPathResource("org/zkbank/live/index.html");

	private final LiveStream stream;

	LiveController(LiveStream stream) {
		this.stream = stream;
	}

	@GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	Resource page() {
		return PAGE;
	}

	@GetMapping(path = "/live/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@ResponseBody
	SseEmitter events() {
		return this.stream.subscribe();
	}

}
