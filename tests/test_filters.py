"""The filter bar: real menu clicks, chips, Clear, and the date range dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from explorer.core import PartialDate
from explorer.core.filters import Filters
from explorer.qt.views.filters import FilterBar
from explorer.qt.views.graph import GraphView


@pytest.fixture()
def bar(qtbot, state):
    widget = FilterBar(state)
    qtbot.addWidget(widget)
    widget.resize(1000, 40)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()


# the offscreen platform cannot raise a popup or grab the keyboard for it; it says so as a warning
popup_warnings = pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the (keyboard|mouse))")


def open_submenu(qtbot, bar, submenu):
    """Open the Filter menu below its button, then the submenu, as the keyboard does."""
    bar.menu.popup(bar.filter_button.mapToGlobal(QPoint(0, bar.filter_button.height())))
    qtbot.waitUntil(bar.menu.isVisible, timeout=2000)
    bar.menu.setActiveAction(submenu.menuAction())
    qtbot.keyClick(bar.menu, Qt.Key.Key_Right)
    qtbot.waitUntil(submenu.isVisible, timeout=2000)


def click_entry(qtbot, menu, text):
    action = next(a for a in menu.actions() if a.text().replace("&&", "&") == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    return action


def close_menus(qtbot, bar):
    bar.menu.close()
    qtbot.waitUntil(lambda: not bar.menu.isVisible(), timeout=2000)


def test_the_menu_lists_themes_kinds_experts_and_dates(bar, state):
    themes = [a.text().replace("&&", "&") for a in bar.theme_menu.actions()]
    assert themes == [t.name for t in state.corpus.themes]
    kinds = [a.data()[1] for a in bar.kind_menu.actions()]
    assert set(kinds) == {e.kind for e in state.corpus.entities}
    assert {a.data()[1] for a in bar.expert_menu.actions()} == {e.id for e in state.corpus.experts}
    assert bar.date_action.text() == "&Date range…"
    assert bar.chips() == []
    assert not bar.clear_button.isVisible()


@popup_warnings
def test_choosing_a_theme_in_the_menu_adds_a_chip_and_filters(bar, qtbot, state):
    theme = next(t for t in state.corpus.themes if t.name == "Global strategy")
    open_submenu(qtbot, bar, bar.theme_menu)
    action = click_entry(qtbot, bar.theme_menu, theme.name)
    assert action.isChecked()
    assert bar.theme_menu.isVisible()  # ticking an entry keeps the menu open for the next one
    close_menus(qtbot, bar)
    assert state.filters.themes == frozenset({theme.id})
    assert bar.chips() == ["Theme: Global strategy ✕"]
    assert bar.clear_button.isVisible()
    # the timeline's events: only those of the theme stay visible
    with_theme = [e for e in state.corpus.events if theme.id in e.themes]
    without = [e for e in state.corpus.events if theme.id not in e.themes]
    assert with_theme and without
    assert all(state.is_visible(e.id) for e in with_theme)
    assert not any(state.is_visible(e.id) for e in without)
    assert bar.summary_label.text() == f"{len(with_theme)} of {len(state.corpus.events)} events shown"


@popup_warnings
def test_expert_and_kind_filters_change_what_the_views_show(bar, qtbot, state, make_view):
    graph = make_view(GraphView, 800, 600)
    experts = sorted(state.corpus.experts, key=lambda e: e.name.casefold())
    chosen = experts[:2]
    open_submenu(qtbot, bar, bar.expert_menu)
    for ex in chosen:
        label = ex.name + (f" {ex.native_name}" if ex.native_name else "")
        click_entry(qtbot, bar.expert_menu, label)
    close_menus(qtbot, bar)
    assert state.filters.experts == frozenset(e.id for e in chosen)
    assert bar.chips() == [f"Expert: {e.name} ✕" for e in chosen]
    # the experts list hides the others; the graph drops their nodes
    assert [e.id for e in experts if state.is_visible(e.id)] == [e.id for e in chosen]
    shown = set(graph.node_ids())
    assert {e.id for e in chosen} <= shown
    assert not ({e.id for e in experts} - {e.id for e in chosen}) & shown

    open_submenu(qtbot, bar, bar.kind_menu)
    click_entry(qtbot, bar.kind_menu, f"Country ({sum(e.kind == 'country' for e in state.corpus.entities)})")
    close_menus(qtbot, bar)
    assert state.filters.entity_kinds == frozenset({"country"})
    assert "Actor kind: Country ✕" in bar.chips()
    assert all(state.item(n).item_kind == "expert" or state.item(n).kind == "country" for n in graph.node_ids())


def test_a_chip_click_removes_its_filter(bar, qtbot, state):
    themes = [t.id for t in state.corpus.themes[:2]]
    state.update_filters(themes=frozenset(themes), entity_kinds=frozenset({"country"}))
    assert len(bar.chips()) == 3
    chip = next(c for c in bar.chip_buttons() if c.text().startswith("Actor kind"))
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert state.filters.entity_kinds == frozenset()
    assert state.filters.themes == frozenset(themes)
    assert len(bar.chips()) == 2 and not any(c.startswith("Actor kind") for c in bar.chips())
    # the menu follows: the kind is unticked
    assert not any(a.isChecked() for a in bar.kind_menu.actions())


def test_clear_removes_every_filter_in_one_action(bar, qtbot, state):
    changes = []
    state.filtersChanged.connect(lambda: changes.append(1))
    state.update_filters(themes=frozenset({state.corpus.themes[0].id}),
                         experts=frozenset({state.corpus.experts[0].id}),
                         date_from=PartialDate(2019).start_seconds)
    assert len(bar.chips()) == 3
    changes.clear()
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert state.filters == Filters()
    assert len(changes) == 1
    assert bar.chips() == []
    assert not bar.clear_button.isVisible()


def test_date_range_dialog_sets_the_range(bar, qtbot, state):
    dialog = bar.open_date_dialog()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.from_edit, "2019")
    qtbot.keyClicks(dialog.to_edit, "2020-06")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert state.filters.date_from == PartialDate(2019).start_seconds
    assert state.filters.date_to == PartialDate(2020, 6).end_seconds
    assert bar.chips() == ["Dates: 2019 – 2020-06 ✕"]
    inside = [e for e in state.corpus.events if e.start.start_seconds < PartialDate(2020, 6).end_seconds
              and (e.end or e.start).end_seconds > PartialDate(2019).start_seconds]
    outside = [e for e in state.corpus.events if e not in inside]
    assert inside and outside
    assert all(state.is_visible(e.id) for e in inside) and not any(state.is_visible(e.id) for e in outside)
    # opening it again shows the current range
    dialog = bar.open_date_dialog()
    assert (dialog.from_edit.text(), dialog.to_edit.text()) == ("2019", "2020-06")
    dialog.reject()


@pytest.mark.parametrize("start, end, message", [
    ("2019-13", "", "month 13"),
    ("20x9", "", "not a date"),
    ("2021", "2019", "before it starts"),
    ("", "2019-02-30", "no day 30"),
])
def test_bad_date_input_is_rejected_with_a_message(bar, qtbot, state, start, end, message):
    dialog = bar.open_date_dialog()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.from_edit, start)
    qtbot.keyClicks(dialog.to_edit, end)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert message in dialog.error_label.text()
    assert state.filters == Filters()
    assert bar.chips() == []
    dialog.reject()


def test_filter_bar_is_a_plain_widget_with_a_menu(bar):
    assert isinstance(bar, QWidget)
    assert bar.filter_button.menu() is bar.menu
    assert bar.filter_button.text() == "Filter ▾"
