"""Autosave: an editor's text goes to its draft on disk shortly after each change, and when
the editor closes. A killed app loses at most the last couple of seconds of typing."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from desktop.drafting import DraftsController
    from desktop.ui.poem_editor import PoemEditor

DEBOUNCE_MS = 700  # a pause in typing this long saves
MAX_UNSAVED_S = 3.0  # typing without a pause still saves this often


class Autosaver(QObject):
    """Saves one editor's text as a draft shortly after each change, and when it closes."""

    def __init__(
        self,
        drafting: DraftsController,
        editor: PoemEditor,
        draft_id: str,
        base: dict[str, Any] | None,
        last: tuple[str, str] | None,
    ) -> None:
        super().__init__(editor)
        self.drafting = drafting
        self.editor = editor
        self.draft_id = draft_id
        self.base = base
        self._last = last  # the text known to be on disk (or the poem's, for an edit)
        self._dirty_since: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.save)
        editor.titleEdit.textChanged.connect(self._changed)
        editor.bodyEdit.textChanged.connect(self._changed)

    def _changed(self, *_args: Any) -> None:
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        if now - self._dirty_since >= MAX_UNSAVED_S:
            self.save()
        else:
            self._timer.start()

    def save(self, editing: bool = True) -> None:
        self._timer.stop()
        self._dirty_since = None
        text = (self.editor.title, self.editor.body)
        if text == self._last or (self._last is None and not "".join(text).strip()):
            if not editing and self._last is not None:
                self.drafting.store(lambda s: s.set_editing(self.draft_id, False))
            return
        self._last = text
        draft_id, base = self.draft_id, self.base
        drafting = self.drafting  # outlives this saver, which goes with its editor
        drafting.store(
            lambda s: s.save(draft_id, *text, poem=base, editing=editing),
            lambda _draft: drafting.refresh(),
        )

    def finish(self) -> None:
        """The editor closes: save what is there, and it no longer needs recovering."""
        self.save(editing=False)
