"""The data stores: an interface (``base``), one backend per file, chosen by URI in ``factory``."""
