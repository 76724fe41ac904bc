"""The points rules in plain words, the rules file's path, and — when the file is broken — exactly what is wrong
and that the last good rules are in force. The secretary edits the file itself; ``r`` reads it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from campaign.context import Campaign
from campaign.i18n import t
from tui.points_view import RulesView, Trouble, calmly, rules_view
from tui.text import literal

from .points_base import PointsAdminScreen


def rules_content(view: RulesView) -> Content:
    """The whole screen's text: the file, its state (every problem on its own line), then the rules by group."""
    lines: list[Content] = [literal(t("points_ui.rules_file", path=str(view.path)), "dim")]
    if view.problems:
        lines.append(Content(""))
        lines.append(literal(view.problems[0], "bold $error"))
        lines.extend(literal(f"  • {p}", "$error") for p in view.problems[1:])
    else:
        lines.append(literal(t("points_ui.rules_ok"), "$success"))
    group = ""
    for rule in view.rules:
        if rule.group != group:
            group = rule.group
            lines.append(Content(""))
            lines.append(literal(t(f"points_ui.group_{group}"), "bold $secondary"))
        lines.append(literal(f"  {rule.text}"))
    return Content("\n").join(lines)


class RulesScreen(PointsAdminScreen):
    """Construct with the campaign."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="points-rules.back"),
        Binding("r", "reload", "points_ui.key_reload", id="points-rules.reload"),
    ]

    @dataclass
    class Loaded(Message):
        view: RulesView | Trouble

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign

    def compose(self) -> ComposeResult:
        yield Static(literal(t("points_ui.rules_title"), "bold"), classes="screen-title")
        with VerticalScroll(id="rules-body"):
            yield Static(literal(t("points_ui.loading")), id="rules-text")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    @work(thread=True, exclusive=True, group="points-rules")
    def action_reload(self) -> None:
        c = self.campaign
        self.post_message(self.Loaded(calmly(lambda: rules_view(c))))

    def on_rules_screen_loaded(self, event: Loaded) -> None:
        view = event.view
        text = literal(view.message, "bold $error") if isinstance(view, Trouble) else rules_content(view)
        self.query_one("#rules-text", Static).update(text)
