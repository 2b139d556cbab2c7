"""Recordings of real API exchanges and their replay (issue 17). Imported only when used."""
