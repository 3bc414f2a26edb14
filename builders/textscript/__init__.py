"""zh-Hans / zh-Hant conversion, shared by clean (script-preserving repairs) and enrich (the
zh-Hans / zh-Hant forms): it lives below both stages so that no import runs against the flow."""
