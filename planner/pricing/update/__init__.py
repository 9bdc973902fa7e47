"""``planner prices update``: fresh list prices from the providers' public price lists, converted into the
price book's own schema, validated by the same loader, and installed into the user's price cache
(:mod:`planner.pricing.user_cache`) only when whole and valid."""
