"""The whole warm transfer, clicking labelled controls in three real windows.

Carol calls; Alice accepts; Alice transfers to Bob (urgent) with the summary;
Bob reads the offer and accepts; Bob marks Ready; Alice connects (three-way)
and leaves; Bob owns the call and rates the summary. Each party has its own
test tone as microphone (caller 440 Hz, Alice 550 Hz, Bob 660 Hz). Carol then
calls again: the agent's caller card shows the first call with its brief.
"""
import csv
import datetime
import os
import sys

import handoff_ui as ui
from ui_audio import hears, pcm_sink, size

ALICE_WIN = "Handoff — Alice Example"
BOB_WIN = "Handoff — Bob Example"


def agent(stack, who, freq):
    user, password, _ = who
    return ui.start_app(f"handoff-{user}", ["--server", stack.server_url, "--sign-in", user],
                        {"HANDOFF_PASSWORD": password,
                         "HANDOFF_AUDIO_SRC": f"audiotestsrc is-live=true wave=sine freq={freq}"})


def click_choice(app, name):
    for role in ("radio button", "check box", "toggle button"):
        found = ui.find(app, name=name, role=role)
        if found:
            found[0].doActionNamed("click")
            return
    seen = [(n.roleName, n.name, list(n.actions)) for n in ui.find(app, contains=name, showing=False)]
    raise AssertionError(f"no choice named {name!r}; nodes: {seen}")


def chart_figures(node):
    """The figures of a chart as its accessible description gives them, "label: value, ...",
    in order (labels may repeat or be empty: the position is kept)."""
    figures = {}
    for i, part in enumerate((node.description or "").split(", ")):
        label, _, value = part.rpartition(": ")
        figures[label or f"#{i}"] = float(value) if value else 0.0
    return figures


def test(stack):
    alice = agent(stack, ui.ALICE, 550)
    ui.wait_for(alice, contains="You are available", role="label")
    bob = agent(stack, ui.BOB, 660)
    ui.wait_for(bob, contains="You are available", role="label")
    # Bob is away first, so the call goes to Alice; then available for the transfer.
    caller_pcm, caller_sink = pcm_sink("caller")
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Carol Jones",
                                             "--reason", "Charged twice for order ORD-4411"],
                          {"HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=440",
                           "HANDOFF_AUDIO_SINK": caller_sink})
    ui.click(caller, "Call")

    # Whoever is offered the call first takes it; the test plays A with that one.
    a, b, a_name, b_name, a_win, b_win = alice, bob, "Alice Example", "Bob Example", ALICE_WIN, BOB_WIN
    offer = None
    for _ in range(60):
        if ui.find(alice, name="Accept Call", role="push button"):
            break
        if ui.find(bob, name="Accept Call", role="push button"):
            a, b, a_name, b_name, a_win, b_win = bob, alice, "Bob Example", "Alice Example", BOB_WIN, ALICE_WIN
            break
        ui.time.sleep(0.5)
    ui.wait_for(a, name="Incoming call from Carol Jones", role="label")
    ui.click(a, "Accept Call")
    ui.wait_for(a, name="Talking to Carol Jones", role="label", timeout=30)
    ui.wait_for(caller, name=f"Talking to {a_name}", role="label", timeout=30)
    ui.shot("a-talking", a_win)

    # Transfer: the dialog with the directory, urgent, and the summary.
    ui.click(a, "Transfer…")
    ui.wait_for(a, name="Who should take over?", role="label")
    # Send with no colleague chosen is refused with a reason.
    ui.click(a, "Send")
    ui.wait_for(a, name="Choose a colleague to transfer to", role="label")
    ui.click(a, f"Choose {b_name}")
    urgent = []
    for _ in range(40):   # the dialog's tree may still be filling in
        urgent = [n for n in ui.find(a, contains="Urgent")
                  if n.roleName not in ("label", "list item") and n.actions]
        if urgent:
            break
        ui.time.sleep(0.25)
    if not urgent:
        raise AssertionError(f"urgent control: {[(n.roleName, n.name, list(n.actions)) for n in urgent]}")
    urgent[0].doActionNamed(list(urgent[0].actions)[0])
    brief = ui.wait_for(a, role="text", contains="Summary").text or ""
    ui.log(f"brief: {brief[:200]!r}")
    ui.shot("a-transfer-dialog", "Transfer Call")
    ui.click(a, "Send")
    ui.wait_for(a, name=f"Waiting for {b_name} to accept", role="label", timeout=30)
    ui.wait_for(a, contains="is on hold", role="label")
    ui.shot("a-waiting-for-b", a_win)
    # The caller is told in plain words (a data packet from A's app).
    ui.wait_for(caller, name="On hold — we are bringing in a colleague", role="label", timeout=20)
    ui.shot("caller-on-hold", "Call Support")

    # B: the offer with the briefing.
    ui.wait_for(b, name=f"{a_name} wants to transfer Carol Jones to you", role="label", timeout=30)
    ui.wait_for(b, name="Urgent transfer", role="label")
    ui.wait_for(b, contains="Carol Jones", role="label")
    ui.shot("b-offer", b_win)
    ui.click(b, "Accept Transfer")
    ui.wait_for(b, name=f"Consulting privately with {a_name}", role="label", timeout=30)
    ui.wait_for(a, name=f"Consulting privately with {b_name}", role="label", timeout=30)
    ui.shot("b-consulting", b_win)

    ui.click(b, "Ready")
    ui.wait_for(a, name=f"{b_name} has read the briefing and is ready", role="label", timeout=30)
    ui.shot("a-b-ready", a_win)

    ui.click(a, "Connect")
    ui.wait_for(a, name="Three-way call", role="label", timeout=30)
    ui.wait_for(b, name="Three-way call", role="label", timeout=30)
    hears(caller_pcm, size(caller_pcm), 660, 196)   # B, no hold music
    ui.shot("a-three-way", a_win)

    ui.click(a, "Leave Call")
    ui.wait_for(a, name=f"Transferred to {b_name}", role="label", timeout=15)   # the toast
    ui.wait_for(a, name="No Call", role="label", timeout=30)
    ui.wait_for(b, name="The call is yours", role="label", timeout=30)
    ui.wait_for(b, name="Talking to Carol Jones", role="label")
    # What the caller hears now: B, without A and without any hold music.
    hears(caller_pcm, size(caller_pcm), 660, 550)
    hears(caller_pcm, size(caller_pcm), 660, 196)
    ui.shot("b-owns-call", b_win)
    ui.click(b, "Rate 5 of 5")
    ui.wait_for(b, contains="your rating was saved", role="label", timeout=20)

    # The caller never left the call and now talks to B.
    ui.wait_for(caller, name=f"Talking to {b_name}", role="label", timeout=20)
    ui.shot("caller-after-transfer", "Call Support")

    # History shows it as completed, with the urgent flag; the detail has the summary.
    frame = ui.wait_for(a, name=a_win, role="frame")
    frame.doActionNamed("win.show-history")
    ui.wait_for(a, name="1 transfer", role="label", timeout=20)
    ui.wait_for(a, contains="Completed · urgent", role="label")
    ui.shot("a-history", a_win)
    ui.click(a, f"Details of {a_name} → {b_name}")
    ui.wait_for(a, name=f"{a_name} → {b_name}: Completed", role="label", timeout=10)
    ui.wait_for(a, contains="rated 5/5", role="label")
    ui.wait_for(a, contains="ORD-4411", role="label")
    ui.shot("a-history-detail", a_win)
    ui.click(a, "Back to History")
    frame.doActionNamed("win.show-analytics")
    ui.wait_for(a, contains="1 transfer · 100% completed", role="label", timeout=20)
    # The charts are drawn, and a screen reader reads their figures: one transfer,
    # completed, today; one call in this hour.
    charts = {}
    for title in ("Transfers per day", "Outcomes", "Calls by hour of day (UTC)"):
        charts[title] = chart_figures(ui.wait_for(a, name=title))
    ui.log(f"charts: {charts}")
    if charts["Outcomes"].get("done") != 1 or sum(charts["Outcomes"].values()) != 1:
        raise AssertionError(f"the outcomes chart says {charts['Outcomes']}")
    if list(charts["Transfers per day"].values())[-1] != 1 or sum(charts["Transfers per day"].values()) != 1:
        raise AssertionError(f"the volume chart says {charts['Transfers per day']}")
    hours = list(charts["Calls by hour of day (UTC)"].values())
    hour = datetime.datetime.now(datetime.timezone.utc).hour   # (or the one before, at :00)
    if hours[hour] + hours[hour - 1] < 1:
        raise AssertionError(f"the hours chart says {charts['Calls by hour of day (UTC)']}")
    ui.shot("a-analytics", a_win)
    # Another range: the charts are drawn again for it (a bar per day), the transfer
    # still in it.
    for label, days in (("90 days", 90), ("1 day", 1)):
        ui.click_named(a, label)
        deadline = ui.time.time() + 20
        while len(chart_figures(ui.wait_for(a, name="Transfers per day"))) != days:
            if ui.time.time() > deadline:
                raise AssertionError(f"{label}: the volume chart has "
                                     f"{len(chart_figures(ui.wait_for(a, name='Transfers per day')))} bars")
            ui.time.sleep(0.5)
        volume = chart_figures(ui.wait_for(a, name="Transfers per day"))
        if sum(volume.values()) != 1:
            raise AssertionError(f"{label}: the volume chart says {volume}")
        ui.wait_for(a, contains="1 transfer · 100% completed", role="label", timeout=20)
    ui.log("the ranges 90 days and 1 day each show the transfer")

    # Export as CSV through the file chooser, as a person would save it.
    exported = os.path.join(ui.ARTIFACTS, "exported-transfers.csv")
    ui.click(a, "Export CSV…")
    ui.save_through_chooser(a, "Export Transfers", exported, "Export saved")
    with open(exported, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    ui.log(f"exported: {rows}")
    assert len(rows) == 1, rows
    assert rows[0]["outcome"] == "completed" and rows[0]["urgent"] == "true", rows
    assert rows[0]["rating"] == "5" and "ORD-4411" in rows[0]["summary"], rows

    # Carol calls again from the same window (it kept the caller id the server gave
    # it): the agent's caller card lists the first call with the brief A wrote, not
    # just its reason, who had it and that it was transferred.
    ui.click(caller, "Hang Up")
    ui.wait_for(b, name="No Call", role="label", timeout=30)
    ui.click(caller, "Call Again")
    ui.click(caller, "Call")
    taker = None
    for _ in range(60):
        taker = next((w for w in (a, b)
                      if ui.find(w, name="Accept Call", role="push button")), None)
        if taker is not None:
            break
        ui.time.sleep(0.5)
    if taker is None:
        raise AssertionError("nobody was offered Carol's second call")
    ui.click(taker, "Accept Call")
    ui.wait_for(taker, name="Talking to Carol Jones", role="label", timeout=30)
    ui.wait_for(taker, name="1 previous call", role="label", timeout=20)
    expander = [n for n in ui.find(taker, role="push button") if "activate" in list(n.actions)
                and (n.name == "1 previous call" or n.name == "GtkExpander")]
    if not expander:
        raise AssertionError("no expander for the previous calls")
    expander[0].doActionNamed("activate")
    first_line = next(line for line in brief.splitlines()
                      if line.strip() and "ORD-4411" not in line)
    ui.wait_for(taker, contains=first_line.strip()[:40], role="label", timeout=10)
    ui.wait_for(taker, contains=f"{b_name} · Transferred", role="label", timeout=10)
    ui.shot("caller-card-previous-call", ALICE_WIN if taker is alice else BOB_WIN)


sys.exit(ui.run(test))
