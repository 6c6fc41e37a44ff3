"""Importers: turn files people have into domain records, reporting bad records without stopping."""
