from explorer.core.filters import Filters


def test_selection_emits_only_on_real_change(state, qtbot):
    seen = []
    state.selectionChanged.connect(seen.append)
    state.select("ev-treaty-signed")
    state.select("ev-treaty-signed")
    state.select("no-such-id")
    assert seen == ["ev-treaty-signed"]
    assert state.kind() == "event" and state.item().title.startswith("Treaty")


def test_back_and_forward(state):
    for item_id in ("ev-treaty-signed", "ex-xing-guangcheng", "ent-china"):
        state.select(item_id)
    state.back()
    assert state.selection == "ex-xing-guangcheng"
    state.back()
    assert state.selection == "ev-treaty-signed"
    state.forward()
    assert state.selection == "ex-xing-guangcheng"
    state.select("theme-global-strategy" if state.index.kind_of("theme-global-strategy") else "ent-russia")
    assert not state.can_go_forward()
    state.clear_selection()
    assert state.selection is None
    state.back()
    assert state.selection is not None


def test_time_window_and_filters(state, qtbot):
    with qtbot.waitSignal(state.timeWindowChanged):
        state.set_time_window(0.0, 100.0)
    assert state.time_window == (0.0, 100.0)
    with qtbot.assertNotEmitted(state.timeWindowChanged):
        state.set_time_window(0.0, 100.0)
        state.set_time_window(5.0, 1.0)  # invalid: ignored
    theme = state.corpus.themes[0].id
    state.update_filters(themes=frozenset({theme}))
    shown = [e.id for e in state.corpus.events if state.is_visible(e.id)]
    assert shown and all(theme in state.corpus.get(i).themes for i in shown)
    assert len(shown) < len(state.corpus.events)
    state.clear_filters()
    assert state.filters == Filters()
    assert all(state.is_visible(e.id) for e in state.corpus.events)
