"""Analytics: trends, drivers, the review queue and coaching, as pure functions of the frames."""
