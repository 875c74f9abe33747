"""Faults the agent sees, not a crash: the server goes away and comes back."""
import sys

import handoff_ui as ui

WIN = "Handoff — Alice Example"


def test(stack):
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1]})
    ui.wait_for(alice, contains="You are available", role="label")

    stack.stop_server()
    ui.wait_for(alice, contains="Reconnecting…", role="label", timeout=30)
    ui.wait_for(alice, name="Retry", role="push button")
    ui.shot("server-down-banner", WIN)

    stack.start_server()
    ui.click(alice, "Retry")
    ui.wait_gone(alice, contains="Reconnecting…", role="label", timeout=30)
    ui.shot("server-back", WIN)

    # The session survived: a call still reaches her.
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Dan", "--reason", "Lost parcel"])
    ui.click(caller, "Call")
    ui.wait_for(alice, name="Incoming call from Dan", role="label", timeout=30)
    ui.shot("offer-after-reconnect", WIN)


sys.exit(ui.run(test))
