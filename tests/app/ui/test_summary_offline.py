"""A transfer summary that fails to generate: the offline one is used, the dialog says why.

The app's AI endpoint (an OpenAI-compatible URL on loopback, so no key is needed) is a
tiny local HTTP server that answers every request with 500. The transfer dialog must
say that the AI service failed and that the offline summary is used, and the transfer
still goes to Bob with that summary.
"""
import os
import sys

import handoff_ui as ui
import stand_in

WIN = "Handoff — Alice Example"


class Failing(stand_in.Handler):
    hits = []

    def do_POST(self):
        self.hits.append(self.path)
        self.body()
        self.send_server_error("upstream model crashed")


def test(stack):
    httpd, base = stand_in.serve(Failing)
    ai_url = base + "/v1"
    ui.log(f"AI endpoint answering 500: {ai_url}")
    env = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": ui.settings_home(ai_url)}

    alice = ui.start_agent(stack, ui.ALICE, env)
    caller = ui.place_call(stack, alice, reason="Charged twice for order ORD-4411")
    # Bob signs in only now, so the call was Alice's.
    bob = ui.start_agent(stack, ui.BOB)

    ui.click(alice, "Transfer…")
    ui.wait_for(alice, name="Who should take over?", role="label")
    status = ui.wait_for(alice, contains="could not write the summary", role="label", timeout=30)
    ui.log(f"dialog says: {status.name}")
    if "offline summary" not in status.name:
        raise AssertionError(f"the dialog does not say the offline summary is used: {status.name!r}")
    if not Failing.hits:
        raise AssertionError("the AI endpoint was never asked")
    summary = ui.wait_for(alice, role="text", contains="Summary")
    text = summary.text or ""
    ui.log(f"summary text: {text[:200]!r}")
    if "ORD-4411" not in text:
        raise AssertionError(f"the offline summary lacks the caller's reason: {text!r}")
    ui.shot("a-dialog-offline-summary", "Transfer Call")

    # The transfer still works, with that summary. Bob declines it first:
    # Alice is told so, and is back with the caller.
    ui.click(alice, "Choose Bob Example")
    ui.click(alice, "Send")
    ui.wait_for(alice, name="Waiting for Bob Example to accept", role="label", timeout=30)
    ui.wait_for(bob, name="Alice Example wants to transfer Carol Jones to you", role="label", timeout=30)
    ui.wait_for(bob, contains="ORD-4411", role="label")
    ui.shot("b-offer-with-offline-summary", "Handoff — Bob Example")
    ui.click(bob, "Decline Transfer")
    # The toast says what happened, in each one's own words.
    ui.wait_for(alice, name="Bob Example declined the transfer — you are back with the caller",
                role="label", timeout=30)
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    ui.shot("a-declined", WIN)
    ui.wait_for(bob, name="You declined the transfer", role="label", timeout=15)
    ui.wait_for(bob, name="No Call", role="label", timeout=15)
    ui.shot("b-after-decline", "Handoff — Bob Example")

    # Sent again, accepted.
    ui.click(alice, "Transfer…")
    ui.wait_for(alice, name="Who should take over?", role="label")
    ui.wait_for(alice, contains="could not write the summary", role="label", timeout=30)
    ui.click(alice, "Choose Bob Example")
    ui.click(alice, "Send")
    ui.wait_for(bob, name="Alice Example wants to transfer Carol Jones to you", role="label", timeout=30)
    ui.click(bob, "Accept Transfer")
    ui.wait_for(alice, name="Consulting privately with Bob Example", role="label", timeout=30)
    ui.shot("a-consulting", WIN)
    httpd.shutdown()


sys.exit(ui.run(test))
