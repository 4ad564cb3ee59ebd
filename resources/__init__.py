"""Icons, style sheets, translations and email templates; looked up with importlib.resources."""
