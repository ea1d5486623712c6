"""Every view the main window shows declares what it does (`FeatureView`), and the
main window's New and Delete follow those declarations, never a probe for methods."""

from __future__ import annotations

import pytest

from ui.kit.views import FeatureView
from ui.views.registry import VIEWS


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_view_declares_what_it_does(name, sample_ctx, qtbot):  # type: ignore[no-untyped-def]
    view = VIEWS[name].factory(sample_ctx)
    qtbot.addWidget(view)
    assert isinstance(view, FeatureView)
    kind = type(view)
    # a declared capability is backed by the view's own method, and the other way round
    assert view.can_create == (kind.new_record is not FeatureView.new_record)
    assert view.can_delete == (kind.delete_selected is not FeatureView.delete_selected)
    assert kind.open_record is not FeatureView.open_record  # every view opens its records


def test_new_and_delete_follow_the_view(sample_ctx, make_window):  # type: ignore[no-untyped-def]
    window = make_window(sample_ctx)
    expected = {"contacts": (True, True), "consortia": (False, False),
                "trash": (False, True), "actions": (True, False), "proposals": (True, True)}
    for name, (new, delete) in expected.items():
        window.show_view(name)
        assert (window.new_record_action.isEnabled(), window.delete_action.isEnabled()) == (
            new, delete), name
