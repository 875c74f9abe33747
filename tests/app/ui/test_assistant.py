"""The assistant beside the live transcript, in Alice's real window, with cloud services
stood in by a local HTTP server speaking their wire formats (OpenAI-compatible speech to text
and chat completions):

1. Alice chooses the OpenAI-compatible transcription in Preferences and saves its key there
   (into the keyring); her next call's transcriber sends her speech with that key.
2. Her line arrives in the transcript; the numbers and the e-mail address in it are listed
   under "Found in the call"; clicking one copies it: pasted into the question box, it is
   the same text.
3. "Summarise So Far" streams: the first words show while the answer is still coming; the
   request carried the transcript.
4. A transfer to Bob carries the transcript: his offer shows Alice's line before he accepts.
"""
import json
import sys
import threading
import time

import handoff_ui as ui
import stand_in
from dogtail import rawinput
from ui_audio import voice

WIN = "Handoff — Alice Example"
KEY = "stt-ui-test-key-42"
SAID = "Please confirm your email carol.jones@example.com and order ORD-4411."
EMAIL = "carol.jones@example.com"
FIRST, REST = "The caller wants to confirm", " order ORD-4411 and her e-mail address."


class StandIn(stand_in.Handler):
    stt = []                      # Authorization of each transcription request
    chats = []                    # the messages of each chat request
    hold = threading.Event()      # set: a streamed answer stops after its first words...
    release = threading.Event()   # ...until this is set

    def do_POST(self):
        body = self.body()
        if self.path.endswith("/audio/transcriptions"):
            self.stt.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != f"Bearer {KEY}":
                return self.send_json(401, {"error": {"message": "bad key"}})
            # One line per call, whatever was said after it.
            return self.send_json(200, {"text": SAID if len(self.stt) == 1 else ""})
        request = json.loads(body)
        self.chats.append(json.dumps(request.get("messages")))
        if not request.get("stream"):
            return self.send_json(200, {"choices": [{"message": {"content": FIRST + REST}}]})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def chunk(text):
            data = {"choices": [{"delta": {"content": text}}]}
            self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()
        chunk(FIRST)
        # The rest only once the test saw the first words in the window.
        if self.hold.is_set():
            self.release.wait(30)
        chunk(REST)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()



def test(stack):
    httpd, base = stand_in.serve(StandIn)
    # The cloud transcription is chosen; its endpoint and key are set in Preferences.
    home = ui.settings_home(base + "/v1", "transcription-backend='openai'\n")
    env = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": home, "HANDOFF_TRANSCRIBE": "1",
           "HANDOFF_PASSWORD": ui.ALICE[1],
           # Alice speaks a few seconds into the call; the stand-in hears it as SAID.
           "HANDOFF_AUDIO_SRC": voice("alice", "Please confirm your email and order number.", 6)}
    # The caller's window first: keys go to the window started last (no window manager).
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Carol Jones", "--reason", "Order check"])
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"], env)
    ui.wait_for(alice, contains="You are available", role="label")

    # 1. Preferences: the cloud transcription, its endpoint and its key.
    ui.click_named(alice, "Main Menu")
    ui.click(alice, "Preferences", role="menu item")
    prefs = ui.wait_for(alice, name="Preferences", role="frame")
    ui.click(prefs, "Audio", role="page tab")
    ui.set_text(prefs, "Endpoint URL (empty: the service's own)", base + "/stt")
    # Typed as a person does (AdwEntryRow applies what was typed while it had the focus).
    key_row = ui.wait_for(prefs, role="text", contains="API key")
    key_row.click()
    time.sleep(0.5)
    rawinput.typeText(KEY)
    rawinput.pressKey("Return")
    ui.wait_for(prefs, contains="the key is kept until you quit", role="label")
    ui.shot("preferences-transcription", "Preferences")
    ui.click(prefs, "Close")
    ui.wait_gone(alice, name="Preferences", role="frame")

    ui.click(caller, "Call")
    ui.wait_for(alice, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.click(alice, "Accept Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)

    # 2. Her line, its e-mail address and numbers, a click to copy.
    ui.wait_for(alice, name=SAID, role="label", timeout=40)
    if StandIn.stt[0] != f"Bearer {KEY}":
        raise AssertionError(f"the transcription request carried {StandIn.stt[0]!r}")
    ui.log(f"transcribed with the key from Preferences: {SAID!r}")
    ui.wait_for(alice, name="Found in the call", timeout=10)
    ui.click_named(alice, "Found in the call")
    ui.wait_for(alice, name=EMAIL, role="push button")
    ui.wait_for(alice, name="ORD-4411", role="push button")
    ui.shot("agent-entities", WIN)
    ui.click(alice, EMAIL)
    ui.wait_for(alice, name=f"Copied “{EMAIL}”", role="label")
    # GTK 4.8 does not expose an entry's text over AT-SPI: what was pasted is read back
    # where the window shows it, as Alice's question in the chat, and at the endpoint.
    entry = ui.wait_for(alice, role="text", contains="Ask the assistant")
    entry.click()   # a real click: the focus goes where the pointer is
    time.sleep(0.5)
    frame = ui.wait_for(alice, name=WIN, role="frame")
    ui.press_keys(frame, "<Control>v")
    time.sleep(0.3)
    ui.press_keys(frame, "Return")
    ui.wait_for(alice, name=EMAIL, role="label", timeout=10)
    ui.wait_for(alice, name=FIRST + REST, role="label", timeout=20)
    if EMAIL not in StandIn.chats[-1]:
        raise AssertionError(f"the pasted question did not reach the assistant: {StandIn.chats[-1][-300:]}")
    ui.log(f"the clipboard held {EMAIL!r}: pasted, asked and answered")

    # 3. A quick prompt, streamed.
    StandIn.hold.set()
    ui.click(alice, "Summarise So Far")
    ui.wait_for(alice, name=FIRST, role="label", timeout=20)
    ui.log("the first words of the answer show while it is still streaming")
    ui.shot("agent-assistant-streaming", WIN)
    StandIn.release.set()
    deadline = time.time() + 20
    while len(ui.find(alice, name=FIRST + REST, role="label")) < 2:
        if time.time() > deadline:
            raise AssertionError("the streamed answer did not complete")
        time.sleep(0.3)
    if EMAIL not in StandIn.chats[-1] or "ORD-4411" not in StandIn.chats[-1]:
        raise AssertionError(f"the transcript was not in the request: {StandIn.chats[-1][:500]}")
    ui.shot("agent-assistant-answer", WIN)

    # 4. The transcript goes with a transfer: Bob's offer shows it, before he accepts.
    bob = ui.start_agent(stack, ui.BOB)
    ui.send_transfer(alice, "Bob Example")
    ui.wait_for(bob, name="Alice Example wants to transfer Carol Jones to you", role="label", timeout=30)
    ui.wait_for(bob, name=SAID, role="label", timeout=10)
    ui.log("Bob's offer shows the transcript so far")
    ui.shot("bob-offer-transcript", "Handoff — Bob Example")
    ui.click(bob, "Decline Transfer")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)

    ui.click(caller, "Hang Up")
    ui.wait_for(alice, name="No Call", role="label", timeout=30)
    httpd.shutdown()


sys.exit(ui.run(test))
