"""通办 (tongban): an integrated government service platform."""
