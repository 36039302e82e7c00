"""`DataSchema`: an API schema for plain data (dicts and JSON), validated by pydantic alone.

ninja's `Schema` wraps whatever it validates in a getter that can also read Django model
instances (attributes, managers, resolve_* methods). For a dict that getter costs about eight
times pydantic's own validation: on the case submission it was the largest single item of the
answer. Use DataSchema where the view hands the schema dicts it built itself (and for request
bodies); keep ninja's Schema where a model instance is returned as is.
"""

from pydantic import BaseModel


class DataSchema(BaseModel):
    pass
