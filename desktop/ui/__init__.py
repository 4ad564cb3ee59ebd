"""Windows, dialogs and widgets: they show state and emit intent."""
