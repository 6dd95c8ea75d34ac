"""`/admin`: operators' pages over deliveries, platforms, applications and answers."""
