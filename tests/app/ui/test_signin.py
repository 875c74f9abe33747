"""Sign-in: wrong password, server down, then the right password."""
import sys

import handoff_ui as ui


def test(stack):
    app = ui.start_app("handoff-signin", ["--server", stack.server_url])
    ui.wait_for(app, name="Sign in to Handoff", role="label")
    ui.shot("signin-empty", "Handoff")

    ui.set_text(app, "User name", "alice")
    ui.set_text(app, "Password", "not-the-password")
    ui.click(app, "Sign In")
    ui.wait_for(app, name="Wrong user name or password", role="label")
    ui.shot("signin-wrong-password", "Handoff")

    # The server is down: a closed port.
    ui.set_text(app, "Server", "http://127.0.0.1:9")
    ui.click(app, "Sign In")
    ui.wait_for(app, contains="The server cannot be reached", role="label")
    ui.shot("signin-server-down", "Handoff")

    ui.set_text(app, "Server", stack.server_url)
    ui.set_text(app, "Password", ui.ALICE[1])
    ui.click(app, "Sign In")
    ui.wait_for(app, name="No Call", role="label")
    ui.wait_for(app, contains="You are available", role="label")
    ui.shot("signed-in", "Handoff — Alice Example")


sys.exit(ui.run(test))
