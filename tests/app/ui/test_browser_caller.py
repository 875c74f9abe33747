"""A browser caller transferred warmly by clicking in the two agents' real windows.

The caller is livekit-client in headless Chromium (browser_caller.py): its page calls
through handoff-server's public route, with no reason given, and speaks 440 Hz. Alice
(550 Hz) and Bob (660 Hz) are the real windows. Whoever is offered the call takes it (A)
and transfers it to the other (B). At every step the browser's own analyser says what it
hears: A; then the hold music only (196 + 294 Hz); A and B after Connect; B after A
leaves. Its room connection is never re-established.
"""
import sys

import browser_caller
import handoff_ui as ui

C, A_HZ, B_HZ, M1, M2 = 440, 550, 660, 196, 294
BANDS = [M1, M2, C, A_HZ, B_HZ]


def agent(stack, who, freq):
    user, password, _ = who
    return ui.start_app(f"handoff-{user}", ["--server", stack.server_url, "--sign-in", user],
                        {"HANDOFF_PASSWORD": password,
                         "HANDOFF_AUDIO_SRC": f"audiotestsrc is-live=true wave=sine freq={freq} volume=0.3"})


def test(stack):
    alice = agent(stack, ui.ALICE, A_HZ)
    ui.wait_for(alice, contains="You are available", role="label")
    bob = agent(stack, ui.BOB, B_HZ)
    ui.wait_for(bob, contains="You are available", role="label")

    browser = browser_caller.Browser(stack.server_url, "Dana Browser", bands=BANDS)
    try:
        run(browser, alice, bob)
    finally:
        browser.quit()


def run(browser, alice, bob):
    placed = browser.wait("placed", timeout=60)
    identity = placed["identity"]
    browser.wait("joined", timeout=60)

    # Whoever is offered the call first takes it; that one plays A.
    a, b = None, None
    for _ in range(120):
        if ui.find(alice, name="Accept Call", role="push button"):
            a, b, a_hz, b_hz = alice, bob, A_HZ, B_HZ
            names = ("Alice Example", "Bob Example", "Handoff — Alice Example", "Handoff — Bob Example")
            break
        if ui.find(bob, name="Accept Call", role="push button"):
            a, b, a_hz, b_hz = bob, alice, B_HZ, A_HZ
            names = ("Bob Example", "Alice Example", "Handoff — Bob Example", "Handoff — Alice Example")
            break
        ui.time.sleep(0.5)
    if a is None:
        raise AssertionError("no agent was offered the browser's call")
    a_name, b_name, a_win, b_win = names
    # No reason given: the offer says so.
    ui.wait_for(a, name="Incoming call from Dana Browser", role="label")
    ui.wait_for(a, name="No reason given", role="label")
    ui.shot("a-offer", a_win)
    ui.click(a, "Accept Call")
    ui.wait_for(a, name="Talking to Dana Browser", role="label", timeout=30)
    browser.hearing("talking", [a_hz], [b_hz, M1, M2])
    ui.shot("a-talking", a_win)

    ui.click(a, "Transfer…")
    ui.wait_for(a, name="Who should take over?", role="label")
    ui.click(a, f"Choose {b_name}")
    ui.click(a, "Send")
    ui.wait_for(a, name=f"Waiting for {b_name} to accept", role="label", timeout=30)
    browser.hearing("hold", [M1, M2], [a_hz, b_hz])
    ui.shot("a-waiting-for-b", a_win)

    ui.wait_for(b, name=f"{a_name} wants to transfer Dana Browser to you", role="label", timeout=30)
    ui.shot("b-offer", b_win)
    ui.click(b, "Accept Transfer")
    ui.wait_for(b, name=f"Consulting privately with {a_name}", role="label", timeout=30)
    ui.wait_for(a, name=f"Consulting privately with {b_name}", role="label", timeout=30)
    browser.hearing("consult", [M1, M2], [a_hz, b_hz])
    ui.shot("b-consulting", b_win)

    ui.click(b, "Ready")
    ui.wait_for(a, name=f"{b_name} has read the briefing and is ready", role="label", timeout=30)
    ui.click(a, "Connect")
    ui.wait_for(a, name="Three-way call", role="label", timeout=30)
    browser.hearing("three-way", [a_hz, b_hz], [M1, M2])
    ui.shot("a-three-way", a_win)

    ui.click(a, "Leave Call")
    ui.wait_for(a, name="No Call", role="label", timeout=30)
    ui.wait_for(b, name="The call is yours", role="label", timeout=30)
    ui.wait_for(b, name="Talking to Dana Browser", role="label")
    browser.hearing("complete", [b_hz], [a_hz, M1, M2])
    ui.shot("b-owns-call", b_win)

    # One connection, never re-established (livekit-client's own events).
    for state, n in (("connected", 1), ("signal-connected", 1), ("reconnecting", 0),
                     ("signal-reconnecting", 0), ("reconnected", 0), ("disconnected", 0),
                     ("moved", 0)):
        seen = browser.count("connection", "state", state)
        if seen != n:
            raise AssertionError(f"browser {identity}: connection {state} {seen} times, expected {n}")
    ui.log(f"browser {identity}: one connection, never re-established")


browser_caller.require()
sys.exit(ui.run(test))
