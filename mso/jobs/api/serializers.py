from rest_framework import serializers

from mso.jobs.models import JobRun


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobRun
        fields = [
            "id",
            "kind",
            "practice",
            "practice_label",
            "status",
            "progress",
            "message",
            "error",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        ]
