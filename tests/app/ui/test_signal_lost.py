"""LiveKit signal lost mid-call: the agent's window says "Reconnecting…", then the call is back.

Only Alice's signal connection is cut (a TCP proxy in front of livekit-server's signal
port, see signal_proxy.py) and her new connections are refused for a few seconds; the
caller's is left alone. Alice's window must say Reconnecting…, then Talking again once
the connection returns, the caller must notice nothing and still hear Alice, and Alice must hear the caller again
and keep hearing her (livekit-server restarts the subscriber's ICE on a resume; an agent
that did not follow went deaf about a second after it, see docs/notes/lk-signal-lost.md).
"""
import os
import sys
import time

import handoff_ui as ui
from signal_proxy import SignalProxy
from ui_audio import hears, pcm_sink, size

WIN = "Handoff — Alice Example"
proxy = SignalProxy()
os.environ["HANDOFF_TEST_LIVEKIT_PROXY_URL"] = proxy.url


def test(stack):
    proxy.set_target(stack.livekit_url)
    alice_pcm, alice_sink = pcm_sink("alice")
    alice = ui.start_agent(stack, ui.ALICE,
                           {"HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=550 volume=0.3",
                            "HANDOFF_AUDIO_SINK": alice_sink})
    caller_pcm, caller_sink = pcm_sink("caller")
    caller = ui.place_call(stack, alice,
                           {"HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=440 volume=0.3",
                            "HANDOFF_AUDIO_SINK": caller_sink})
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    hears(caller_pcm, 0, 550, 440)
    ui.shot("a-talking", WIN)
    ui.log(f"signal connections so far: {proxy.seen}")
    agent_ident = next((i for i, _ in proxy.seen if "alice" in i.lower()), None)
    if agent_ident is None:
        raise AssertionError(f"no signal connection of Alice's went through the proxy: {proxy.seen}")

    if proxy.cut(agent_ident, 6) == 0:
        raise AssertionError("Alice had no open signal connection to cut")
    ui.wait_for(alice, contains="Reconnecting…", role="label", timeout=15)
    ui.shot("a-reconnecting", WIN)

    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=40)
    ui.log(f"signal connections: {proxy.seen}")
    ui.shot("a-back", WIN)
    if not ui.find(caller, name="Talking to Alice Example", role="label"):
        raise AssertionError("the caller's window left the call while Alice reconnected")
    callers = [i for i, _ in proxy.seen if i != agent_ident]
    if len(set(callers)) != len(callers):
        raise AssertionError(f"the caller's signal connection was re-made: {proxy.seen}")
    hears(caller_pcm, size(caller_pcm), 550, 440)
    hears(alice_pcm, size(alice_pcm), 440, 550, timeout=8)
    time.sleep(5)
    hears(alice_pcm, size(alice_pcm), 440, 550, timeout=8)
    ui.shot("a-hears-again", WIN)


sys.exit(ui.run(test))
