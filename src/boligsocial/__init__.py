"""boligsocial: housing-social preparedness plans."""
