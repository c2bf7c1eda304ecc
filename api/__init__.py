"""The REST API (/api/v1/): serializers and viewsets over the apps' selectors, services and
progress figures; the permission class, error shape and schema hooks they share."""
