"""The AI key and the redaction switch in Preferences act on the running app.

The app's AI endpoint is a local OpenAI-compatible stand-in that records every request
(and answers 500, so the dialog keeps its offline summary). The caller's reason carries
a card number and a phone number; the transfer dialog asks the endpoint for a summary.

1. As started (redaction on, no key): the request has no Authorization header, the
   card number is not in it ("[card ending 6467]" is), the phone number is.
2. Alice opens Preferences, saves an API key and turns redaction off, without a restart.
3. The next summary request carries "Bearer <key>" and the card number verbatim.

Fails without the app following the keyring (no Authorization header) or the redact
setting (the card number stays redacted).
"""
import json
import os
import sys
import time

import handoff_ui as ui
import stand_in
from dogtail import rawinput

WIN = "Handoff — Alice Example"
CARD = "4539 1488 0343 6467"
PHONE = "0161 496 0018"
KEY = "sk-ui-test-0123456789"


class Recording(stand_in.Handler):
    requests = []

    def do_POST(self):
        body = self.body().decode("utf-8", "replace")
        try:
            text = json.dumps(json.loads(body)["messages"])
        except Exception:
            text = body
        self.requests.append({"authorization": self.headers.get("Authorization"), "text": text})
        self.send_server_error("stand-in")


def wait_request(after, timeout=30):
    """The first request recorded after the first `after` ones."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(Recording.requests) > after:
            return Recording.requests[after]
        time.sleep(0.2)
    raise AssertionError(f"the AI endpoint was not asked ({len(Recording.requests)} requests)")


def summary_request(alice):
    """Opens the transfer dialog, returns the summary request it made, closes it."""
    before = len(Recording.requests)
    ui.click(alice, "Transfer…")
    ui.wait_for(alice, name="Who should take over?", role="label")
    request = wait_request(before)
    ui.wait_for(alice, contains="could not write the summary", role="label", timeout=30)
    ui.shot("a-transfer-dialog", "Transfer Call")
    ui.click(alice, "Cancel")
    ui.wait_gone(alice, name="Who should take over?", role="label")
    return request


def test(stack):
    httpd, base = stand_in.serve(Recording)
    ai_url = base + "/v1"
    env = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": ui.settings_home(ai_url)}

    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         dict(env, HANDOFF_PASSWORD=ui.ALICE[1]))
    ui.wait_for(alice, contains="You are available", role="label")
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Carol Jones",
                                             "--reason", f"Card {CARD} charged twice, "
                                                         f"call me on {PHONE}"])
    ui.click(caller, "Call")
    ui.wait_for(alice, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.click(alice, "Accept Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)

    # 1. As started: redaction on, no key saved.
    first = summary_request(alice)
    ui.log(f"first request: authorization={first['authorization']!r}")
    if first["authorization"] is not None:
        raise AssertionError(f"a key was sent before one was saved: {first['authorization']!r}")
    if CARD in first["text"] or "[card ending 6467]" not in first["text"]:
        raise AssertionError(f"the card number was not redacted: {first['text'][:600]!r}")
    if PHONE not in first["text"]:
        raise AssertionError(f"the phone number was not sent: {first['text'][:600]!r}")

    # 2. Preferences, as a person does it: the main menu, the Assistant page.
    ui.click_named(alice, "Main Menu")
    ui.click(alice, "Preferences", role="menu item")
    prefs = ui.wait_for(alice, name="Preferences", role="frame")
    ui.click(prefs, "Audio", role="page tab")
    switch = ui.wait_for(prefs, name="Redact card numbers", role="check box")
    if not switch.checked:
        raise AssertionError("redaction is not on by default")
    switch.doActionNamed("toggle")
    ui.click(prefs, "Assistant", role="page tab")
    # AdwEntryRow applies what was typed while it had the focus (its apply button or
    # Enter), so this one is typed like a person does: a click into the row, keys.
    key_row = ui.wait_for(prefs, role="text", contains="API key")
    key_row.click()
    time.sleep(0.5)
    rawinput.typeText(KEY)
    rawinput.pressKey("Return")
    ui.wait_for(prefs, contains="the key is kept until you quit", role="label", timeout=15)
    ui.shot("prefs-key-saved", "Preferences")
    ui.click(prefs, "Close")
    ui.wait_gone(alice, name="Redact card numbers", role="check box")

    # 3. The same running app: the key and the unredacted text go out.
    second = summary_request(alice)
    ui.log(f"second request: authorization={second['authorization']!r}")
    if second["authorization"] != f"Bearer {KEY}":
        raise AssertionError(f"the saved key was not used: {second['authorization']!r}")
    if CARD not in second["text"]:
        raise AssertionError(f"redaction is still on: {second['text'][:600]!r}")
    httpd.shutdown()


sys.exit(ui.run(test))
